import { spawnSync } from "node:child_process";

/**
 * Runs `promtool check metrics` (Debian package `prometheus`) on an exposition. promtool missing
 * is a failure, never a skip: the format check is the point of the tests that call this.
 */
export function promtoolCheck(text: string): { ok: boolean; output: string } {
  const r = spawnSync("promtool", ["check", "metrics"], { input: text, encoding: "utf8" });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") {
    throw new Error("promtool not found: install it with `apt-get install -y prometheus` (Debian) — .ci/run does this when it is missing.");
  }
  return { ok: r.status === 0, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

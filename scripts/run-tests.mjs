// Runs every src/**/*.test.ts and web/e2e/*.test.ts (the dashboard in headless Chromium) with node's test runner (Node 20's --test does not expand globs itself).
// Extra arguments narrow the run: `npm test -- src/gateway` runs only files under that path.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : find(p);
    return e.name.endsWith(".test.ts") ? [p] : [];
  });
}

const filters = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const flags = process.argv.slice(2).filter((a) => a.startsWith("-"));
const files = [...find("src"), ...(existsSync("web/e2e") ? find("web/e2e") : [])].filter((f) => filters.length === 0 || filters.some((x) => f.startsWith(x.replace(/^\.\//, ""))));
if (files.length === 0) {
  console.error("no test files matched");
  process.exit(1);
}
const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...flags, ...files.sort()], { stdio: "inherit" });
process.exit(r.status ?? 1);

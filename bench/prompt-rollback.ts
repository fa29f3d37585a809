/**
 * Prompt rollback latency (issue 5 §4): the time from a rollback command to the first request
 * served by the old version, on one Keel instance under steady traffic. `npm run bench:prompts`.
 * A measurement, not a test: it prints a table, writes bench/results/prompt-rollback-*.json and
 * exits 0 whether or not the < 1 s target is met.
 *
 * Keel runs as its own process (from source, through tsx) with the built-in simulator. Client
 * loops call it without pause, each call naming the prompt; the answer's `x-keel-prompt-version`
 * says which version served it. Each trial puts `production` on v2, lets traffic settle, then
 * rolls back and times the first answer from v1 received after the command was issued:
 *
 * - api: the command is `POST /api/v1/prompts/:name/rollback` from this process;
 * - cli: the command is a fresh `keel prompts rollback` process, compiled as `npm run build` would
 *   (the bench compiles a private copy into a temporary directory, so a stale dist/ never matters);
 * - cli-tsx: the same command run from source through tsx, as in development (transpiling included).
 *
 * It also counts "stale" answers: v2 answers to calls *sent* after the rollback was acknowledged
 * (there must be none: the label moves in memory before the acknowledgement).
 *
 * Env: BENCH_TRIALS (per mode, default 20), BENCH_CLIENTS (concurrent client loops, default 8).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, symlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Agent, request } from "undici";
import { freePort, installCleanup, spawnChild, waitHealthy } from "./processes.js";
import { codeVersion, machineInfo } from "./report.js";
import { round3, summarize, type Summary } from "./stats.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUN = join(ROOT, "src", "cli", "run.ts");
const TSX = import.meta.resolve("tsx");
const TRIALS = Number(process.env.BENCH_TRIALS || 20);
const CLIENTS = Number(process.env.BENCH_CLIENTS || 8);
const PROMPT = "bench-rollback";
const TARGET_MS = 1000;

const log = (s: string): void => void process.stderr.write(`bench:prompts: ${s}\n`);

interface Answer { sentAt: number; receivedAt: number; version: string | null; status: number }

async function main(): Promise<void> {
  installCleanup();
  const dir = mkdtempSync(join(tmpdir(), "keel-bench-prompts-"));
  const port = await freePort();
  const adminToken = `bench-admin-${randomBytes(16).toString("hex")}`;
  writeFileSync(join(dir, "keel.yaml"), `server:\n  host: 127.0.0.1\n  port: ${port}\ntraces:\n  capture: none\n`);
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? dir, KEEL_DATA_DIR: join(dir, "data"), KEEL_ADMIN_TOKEN: adminToken, KEEL_LOG_LEVEL: "warn" };
  const keel = spawnChild("keel", ["--import", TSX, RUN, "start", "--config", join(dir, "keel.yaml")], env, ROOT);
  const origin = `http://127.0.0.1:${port}`;
  const dispatcher = new Agent({ connections: CLIENTS + 4, keepAliveTimeout: 60_000 });
  try {
    log(`Keel started in ${(await waitHealthy(origin, keel)).toFixed(0)} ms`);
    const admin = async (method: string, path: string, body?: unknown): Promise<any> => {
      const res = await request(`${origin}${path}`, {
        method: method as "GET", dispatcher,
        headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json", "x-keel-actor": "bench" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.body.text();
      if (res.statusCode >= 300) throw new Error(`${method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 300)}`);
      return JSON.parse(text);
    };
    const key = (await admin("POST", "/api/v1/keys", { name: "bench" })).key as string;
    await admin("POST", "/api/v1/prompts", { prompts: [{ name: PROMPT, type: "text", model: "sim", text: "Old: answer {{q}}", labels: ["production"] }] });
    await admin("POST", "/api/v1/prompts", { prompts: [{ name: PROMPT, type: "text", model: "sim", text: "New: answer {{q}} in detail" }] });

    // Steady traffic: CLIENTS loops, each one call at a time, for the whole run.
    const answers: Answer[] = [];
    let running = true;
    const body = JSON.stringify({ prompt: { name: PROMPT, variables: { q: "where is my parcel?" } }, max_tokens: 8 });
    const loop = async (i: number): Promise<void> => {
      while (running) {
        const sentAt = performance.now();
        const res = await request(`${origin}/v1/chat/completions`, {
          method: "POST", dispatcher, body,
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "x-keel-user": `user-${i}` },
        });
        await res.body.dump();
        answers.push({ sentAt, receivedAt: performance.now(), version: (res.headers["x-keel-prompt-version"] as string | undefined) ?? null, status: res.statusCode });
      }
    };
    const loops = Array.from({ length: CLIENTS }, (_, i) => loop(i));
    await sleep(1000); // warm-up

    const compiled = buildCli(dir);
    const modes = compiled ? (["api", "cli", "cli-tsx"] as const) : (["api", "cli-tsx"] as const);
    type Mode = (typeof modes)[number];
    const results = Object.fromEntries(modes.map((m) => [m, { ms: [] as number[], ackMs: [] as number[], stale: 0 }])) as Record<Mode, { ms: number[]; ackMs: number[]; stale: number }>;
    for (const mode of modes) {
      for (let t = 0; t < TRIALS; t++) {
        await admin("PUT", `/api/v1/prompts/${PROMPT}/labels/production`, { version: 2 });
        await sleep(150);
        const t0 = performance.now();
        if (mode === "api") await admin("POST", `/api/v1/prompts/${PROMPT}/rollback`, { reason: "bench" });
        else await cliRollback(origin, adminToken, mode === "cli" ? [compiled!] : ["--import", TSX, RUN]);
        const ack = performance.now();
        await sleep(100);
        const first = answers.filter((a) => a.receivedAt > t0 && a.version === `${PROMPT}@1`).reduce((m, a) => Math.min(m, a.receivedAt), Infinity);
        const stale = answers.filter((a) => a.sentAt > ack && a.version !== `${PROMPT}@1`).length;
        results[mode].ms.push(first - t0);
        results[mode].ackMs.push(ack - t0);
        results[mode].stale += stale;
        answers.length = 0;
      }
      const s = summarize(results[mode].ms);
      log(`${mode}: first old-version answer after ${s.p50.toFixed(1)} ms median, ${s.max.toFixed(1)} ms max (${TRIALS} trials); stale answers after the ack: ${results[mode].stale}`);
    }
    running = false;
    await Promise.all(loops);

    const summary = (m: Mode): Summary => summarize(results[m].ms);
    const rows = modes.map((m) => {
      const s = summary(m);
      const ack = summarize(results[m].ackMs);
      return { mode: m, trials: s.n, p50_ms: round3(s.p50), p90_ms: round3(s.p90), max_ms: round3(s.max), ack_p50_ms: round3(ack.p50), stale_after_ack: results[m].stale, met: s.max < TARGET_MS };
    });
    process.stdout.write(`\nPrompt rollback: command → first request served by the old version (one instance, ${CLIENTS} client loops)\n\n`);
    process.stdout.write(`${"command".padEnd(44)} ${"p50".padStart(9)} ${"p90".padStart(9)} ${"max".padStart(9)} ${"ack p50".padStart(9)}  stale  < 1 s\n`);
    for (const r of rows) {
      const label = { api: "POST /api/v1/prompts/:name/rollback", cli: "keel prompts rollback (new process)", "cli-tsx": "keel prompts rollback (new process, tsx)" }[r.mode];
      process.stdout.write(`${label.padEnd(44)} ${`${r.p50_ms.toFixed(1)} ms`.padStart(9)} ${`${r.p90_ms.toFixed(1)} ms`.padStart(9)} ${`${r.max_ms.toFixed(1)} ms`.padStart(9)} ${`${r.ack_p50_ms.toFixed(1)} ms`.padStart(9)}  ${String(r.stale_after_ack).padStart(5)}  ${r.met ? "yes" : "NO"}\n`);
    }
    const out = join(ROOT, "bench", "results");
    mkdirSync(out, { recursive: true });
    const file = join(out, `prompt-rollback-${new Date().toISOString().replaceAll(":", "-")}.json`);
    writeFileSync(file, `${JSON.stringify({ bench: "prompt-rollback", at: new Date().toISOString(), machine: machineInfo(), code: codeVersion(), settings: { trials: TRIALS, clients: CLIENTS }, targetMs: TARGET_MS, results: rows }, null, 2)}\n`);
    process.stdout.write(`\nwrote ${file}\n`);
  } finally {
    await dispatcher.close();
    await keel.stop(5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CLI compiled (tsconfig.build.json) into `dir`; node_modules reached through a symlink. Null when it does not build. */
function buildCli(dir: string): string | null {
  const out = join(dir, "build");
  try {
    execFileSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.build.json"), "--outDir", join(out, "dist"), "--sourceMap", "false"], { cwd: ROOT, stdio: "pipe" });
  } catch (err) {
    // tsc emits despite type errors elsewhere in the tree; only a missing entry point is fatal.
    log(`tsc reported problems (emitting anyway): ${String((err as { stdout?: Buffer }).stdout ?? err).split("\n")[0]}`);
  }
  symlinkSync(join(ROOT, "node_modules"), join(out, "node_modules"), "dir");
  copyFileSync(join(ROOT, "package.json"), join(out, "package.json")); // ESM, and the version the CLI prints
  const entry = join(out, "dist", "cli", "run.js");
  try {
    execFileSync(process.execPath, [entry, "--version"], { stdio: "pipe" });
    return entry;
  } catch {
    log("the compiled CLI does not start; measuring the tsx CLI only");
    return null;
  }
}

/** `keel prompts rollback` as a user would run it: a new process. Resolves when it exits. */
function cliRollback(origin: string, adminToken: string, entry: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entry, "prompts", "rollback", PROMPT, "--reason", "bench"], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", KEEL_URL: origin, KEEL_ADMIN_TOKEN: adminToken }, stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`keel prompts rollback exited ${code}: ${err}`))));
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:prompts: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});

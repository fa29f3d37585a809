/**
 * Guard cost against body size: `npm run bench:guard-size [-- --baseline REV] [--no-http]`.
 *
 * 1. In process: the default input policy (RequestGuard.screenInput, then the deferred log-only
 *    scanners, as the gateway runs them) on one user message of 1 KB, 10 KB, 100 KB and 1 MB of
 *    realistic text (guard-corpus.ts; each call's text ends in a reference of its own, so the
 *    guard's memo of screened texts never answers), CPU ms per request and per KB. Variants, interleaved round
 *    by round so that machine noise hits them alike:
 *      - `after`: this tree with its defaults (scan budget on);
 *      - `no-budget`: this tree with the scan budget lifted (every scanner reads the whole text);
 *      - `before`: the tree of git revision REV (`--baseline`), extracted with `git archive` into
 *        a temporary directory and imported into this same process.
 * 2. Over HTTP (needs `npm run build`): a running Keel (sim upstream, default policies) under
 *    autocannon at c=10 with a 100 KB user message; p50/p99 and Keel's CPU per request from /proc.
 *    Once with the defaults, once with `guard: { enabled: false }` for reference.
 *
 * A measurement, not a test: prints a table and a JSON line, exits 0 whatever the numbers.
 * Targets (issue 13 §4): ≤ 0.1 ms CPU per KB in process; p99 ≤ 50 ms at 100 KB, c=10.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import autocannon from "autocannon";
import { realisticText } from "./guard-corpus.js";
import { letters } from "./load.js";
import { cpuMs, installCleanup } from "./processes.js";
import { ROOT, requireBuild, startStack } from "./stack.js";
import { round3, summarize } from "./stats.js";

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const baselineRev = flag("--baseline");
const http = !argv.includes("--no-http");
const SIZES = [1024, 10 * 1024, 100 * 1024, 1024 * 1024];
// `--scale K` multiplies the repetitions (a steadier mean on a loaded machine; K=5 runs ~1 minute in process).
const SCALE = Math.max(1, Number(flag("--scale") ?? 1));
const REPS: Record<number, number> = { 1024: 200 * SCALE, 10240: 40 * SCALE, 102400: 8 * SCALE, 1048576: 3 * SCALE };

interface Guard {
  screenInput(body: unknown): Promise<unknown>;
  runDeferred(): Promise<void>;
}
interface Variant {
  name: string;
  make(): Guard;
}

/** Loads a source tree's guard modules and returns a factory of per-request guards over `config`. */
async function variantFrom(name: string, srcRoot: string, config: unknown): Promise<Variant> {
  const url = (p: string): string => pathToFileURL(join(srcRoot, p)).href;
  const { guardConfigSchema } = await import(url("guard/policy/config-schema.ts"));
  const { GuardService } = await import(url("guard/policy/guard-service.ts"));
  const { RequestGuard } = await import(url("guard/request-guard.ts"));
  const service = new GuardService(guardConfigSchema.parse(config));
  const id = { model: "bench", feature: null, keyId: null, keyName: null };
  return { name, make: () => new RequestGuard(service, service.resolve(id)) as Guard };
}

const cleanups: (() => void)[] = [];
const variants: Variant[] = [
  await variantFrom("after", join(ROOT, "src"), {}),
  await variantFrom("no-budget", join(ROOT, "src"), { scan_budget: { max_chars: 100_000_000, head_chars: 0, tail_chars: 0 } }),
];
if (baselineRev) {
  const dir = mkdtempSync(join(tmpdir(), "keel-guard-baseline-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const tar = execFileSync("git", ["archive", baselineRev, "src", "data"], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  // The old tree resolves its dependencies (zod, the name lexicon…) from this checkout's node_modules.
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  variants.push(await variantFrom(`before (${baselineRev})`, join(dir, "src"), {}));
}

// Every call gets a text of its own (a letters-only reference at the end): the guard remembers a
// pure scanner's result per text (decision 0038), so one fixed text would be screened once and
// answered from the memo after that.
let unique = 0;
function bodyOf(text: string): unknown {
  return { model: "bench", messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: `${text} (ref ${letters(unique++)})` }] };
}

/** CPU ms of one request's input screening (blocked requests count too: their scanners ran). */
async function once(v: Variant, text: string): Promise<{ ms: number; blocked: boolean }> {
  const body = bodyOf(text);
  const g = v.make();
  const c0 = process.cpuUsage();
  let blocked = false;
  try {
    await g.screenInput(body);
    await g.runDeferred();
  } catch {
    blocked = true;
  }
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, blocked };
}

interface Row {
  variant: string;
  kb: number;
  requests: number;
  blocked: number;
  cpu_ms_p50: number;
  cpu_ms_mean: number;
  ms_per_kb: number;
}

const rows: Row[] = [];
for (const size of SIZES) {
  const text = realisticText(size);
  const kb = Buffer.byteLength(text) / 1024;
  const samples = new Map<string, { ms: number[]; blocked: number }>(variants.map((v) => [v.name, { ms: [], blocked: 0 }]));
  // Warm-up: lazy loads (model, name lexicon) and V8's regex compilation are start-up, not per request.
  for (const v of variants) for (let i = 0; i < 2; i++) await once(v, text);
  for (let r = 0; r < REPS[size]; r++) {
    for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
      const x = await once(v, text);
      const s = samples.get(v.name)!;
      s.ms.push(x.ms);
      if (x.blocked) s.blocked++;
    }
  }
  for (const v of variants) {
    const s = samples.get(v.name)!;
    const sum = summarize(s.ms);
    rows.push({ variant: v.name, kb: round3(kb), requests: s.ms.length, blocked: s.blocked, cpu_ms_p50: round3(sum.p50), cpu_ms_mean: round3(sum.mean), ms_per_kb: round3(sum.mean / kb) });
  }
}

// A hostile body: one override verb repeated (64 KB). It crosses V8's backtrack limit and the
// override signature falls back to the linear engine, which costs seconds (json-schema/linear-pattern.ts:
// a known issue); the row keeps the figure in sight.
{
  const text = "ignore ".repeat(Math.floor(65536 / 7));
  for (const v of variants) {
    await once(v, text);
    const ms: number[] = [];
    let blocked = 0;
    for (let r = 0; r < 3; r++) {
      const x = await once(v, text);
      ms.push(x.ms);
      if (x.blocked) blocked++;
    }
    const sum = summarize(ms);
    rows.push({ variant: `${v.name} (hostile)`, kb: round3(text.length / 1024), requests: ms.length, blocked, cpu_ms_p50: round3(sum.p50), cpu_ms_mean: round3(sum.mean), ms_per_kb: round3(sum.mean / (text.length / 1024)) });
  }
}

process.stdout.write(`default input policy, one user message, CPU per request (process.cpuUsage; ${cpus().length} cores, load ${loadavg()[0].toFixed(1)})\n`);
process.stdout.write(`${"variant".padEnd(22)} ${"KB".padStart(8)} ${"n".padStart(4)} ${"blocked".padStart(7)} ${"p50 ms".padStart(9)} ${"mean ms".padStart(9)} ${"ms/KB".padStart(7)}\n`);
for (const r of rows) {
  process.stdout.write(`${r.variant.padEnd(22)} ${r.kb.toFixed(1).padStart(8)} ${String(r.requests).padStart(4)} ${String(r.blocked).padStart(7)} ${r.cpu_ms_p50.toFixed(2).padStart(9)} ${r.cpu_ms_mean.toFixed(2).padStart(9)} ${r.ms_per_kb.toFixed(3).padStart(7)}\n`);
}
const before = rows.filter((r) => r.variant.startsWith("before"));
if (before.length) {
  for (const b of before) {
    const hostile = b.variant.endsWith("(hostile)");
    const a = rows.find((r) => r.variant === (hostile ? "after (hostile)" : "after") && r.kb === b.kb);
    if (!a) continue;
    process.stdout.write(`before ÷ after at ${b.kb.toFixed(0)} KB${hostile ? " (hostile)" : ""}: ${(b.cpu_ms_mean / a.cpu_ms_mean).toFixed(2)}x\n`);
  }
}

interface HttpRow {
  config: string;
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  keel_cpu_ms_per_request: number;
}
const httpRows: HttpRow[] = [];
if (http) {
  requireBuild();
  installCleanup();
  const duration = Number(process.env.BENCH_DURATION ?? 10);
  const text = realisticText(100 * 1024);
  for (const [config, yaml] of [["defaults", ""], ["guard off", "guard:\n  enabled: false"]] as const) {
    const stack = await startStack({ extraYaml: yaml });
    try {
      const opts = {
        url: `${stack.keelOrigin}/v1/chat/completions`,
        method: "POST" as const,
        headers: { "content-type": "application/json", authorization: `Bearer ${stack.key}` },
        body: JSON.stringify({ model: "bench", max_tokens: 16, ...(bodyOf(text) as object) }),
        connections: 10,
        pipelining: 1,
        timeout: 10,
      };
      await autocannon({ ...opts, duration: 3 });
      const c0 = cpuMs(stack.keel.pid);
      const r = await autocannon({ ...opts, duration });
      await new Promise((res) => setTimeout(res, 400));
      const cpu = cpuMs(stack.keel.pid) - c0;
      httpRows.push({
        config, rps: round3(r["2xx"] / r.duration), ok: r["2xx"], non2xx: r.non2xx, errors: r.errors,
        p50_ms: r.latency.p50, p99_ms: r.latency.p99, max_ms: r.latency.max, keel_cpu_ms_per_request: round3(cpu / Math.max(1, r.requests.sent)),
      });
    } finally {
      await stack.stop();
      stack.cleanup();
    }
  }
  process.stdout.write(`\nHTTP, 100 KB user message, c=10, ${duration} s (autocannon, whole ms)\n`);
  for (const h of httpRows) {
    process.stdout.write(`${h.config.padEnd(10)} rps ${h.rps.toFixed(0).padStart(5)}  2xx ${h.ok}  non-2xx ${h.non2xx}  errors ${h.errors}  p50 ${h.p50_ms} ms  p99 ${h.p99_ms} ms  max ${h.max_ms} ms  Keel CPU ${h.keel_cpu_ms_per_request.toFixed(2)} ms/req\n`);
  }
}
for (const c of cleanups) c();
process.stdout.write(`${JSON.stringify({ node: process.version, loadavg: loadavg(), baseline: baselineRev ?? null, rows, http: httpRows })}\n`);

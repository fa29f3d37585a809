/** The benchmark's results: their shape, the targets they are judged by, the table, the JSON file. */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import type { LoadResult } from "./load.js";
import type { Memory } from "./processes.js";
import { round3, type Summary } from "./stats.js";

/** CPU spent during one autocannon run, per 2xx response (ms), and how busy the machine was. */
export interface CpuShare {
  keelMsPerReq: number;
  simMsPerReq: number;
  loadgenMsPerReq: number;
  /** Cores' worth of CPU the whole machine used during the run. */
  machineBusyCores: number;
  /** Of which outside the benchmark's three processes: other work competing for the 2 cores. */
  otherBusyCores: number;
}

export type RunResult = LoadResult & { cpu: CpuShare };

export interface PairedFigures {
  n: number;
  direct: Summary;
  keel: Summary;
  errors: number;
}

export interface Results {
  timestamp: string;
  machine: { cpuModel: string; cores: number; node: string; kernel: string; memoryGb: number };
  /** What was measured: the commit, and how many files differed from it (dist/ is built from the working tree). */
  code: { commit: string; changedFiles: number };
  settings: {
    durationS: number;
    warmupS: number;
    sequentialRequests: number;
    streamRequests: number;
    requestBodyBytes: number;
    extraKeelYaml: string;
  };
  /** Cores busy with other work in the second before the benchmark: above ~0.2 the figures are noisy. */
  othersBusyCoresBefore: number;
  startupMs: { sim: number; keel: number };
  load: { c1: { direct: RunResult; keel: RunResult }; c50: { direct: RunResult; keel: RunResult } };
  sequential: PairedFigures;
  streamFirstByte: PairedFigures;
  memory: {
    /** After start-up and one chat call (undici's parser is compiled on the first upstream request). */
    keelAtStart: Memory;
    keelAfterC1: Memory;
    keelAfterC50: Memory;
    /** After all the chat load (the figure judged). */
    keel: Memory;
    sim: Memory;
    embedder: {
      /** Judged from address-space growth (see Memory.vmSizeMb). */
      loadedDuringChatLoad: boolean;
      addressSpaceGrowthDuringChatLoadMb: number;
      /** Keel after one /v1/embeddings call at the very end (BENCH_EMBED_CHECK=0 skips it). */
      afterOneEmbeddingsCall: Memory | null;
    };
  };
  traces: { rowsWritten: number | null; requestsSentToKeel: number };
  targets: Target[];
}

export interface Target {
  name: string;
  value: number;
  unit: "ms" | "MB";
  limit: number;
  met: boolean;
}

export function machineInfo(): Results["machine"] {
  const c = cpus();
  return { cpuModel: c[0]?.model ?? "unknown", cores: c.length, node: process.version, kernel: release(), memoryGb: round3(totalmem() / 2 ** 30) };
}

export function codeVersion(): Results["code"] {
  const git = (...args: string[]): string => execFileSync("git", args, { cwd: new URL("..", import.meta.url), encoding: "utf8" }).trim();
  try {
    return { commit: git("rev-parse", "--short", "HEAD"), changedFiles: git("status", "--porcelain").split("\n").filter(Boolean).length };
  } catch {
    return { commit: "unknown", changedFiles: -1 };
  }
}

/** The four goals Keel's gateway is held to on this benchmark. */
export function judge(r: Omit<Results, "targets">): Target[] {
  const t = (name: string, value: number, unit: Target["unit"], limit: number): Target => ({ name, value: round3(value), unit, limit, met: value <= limit });
  return [
    t("added p50 latency, c=1 (sequential)", r.sequential.keel.p50 - r.sequential.direct.p50, "ms", 0.3),
    t("Keel CPU per request, c=50", r.load.c50.keel.cpu.keelMsPerReq, "ms", 0.3),
    t("streaming first-byte overhead (p50)", r.streamFirstByte.keel.p50 - r.streamFirstByte.direct.p50, "ms", 1),
    t("Keel peak RSS (VmHWM)", r.memory.keel.peakRssMb, "MB", 150),
  ];
}

/** Writes bench/results/gateway-<ISO timestamp>.json and returns its path. */
export function writeResults(dir: string, r: Results): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `gateway-${r.timestamp.replaceAll(":", "-")}.json`);
  writeFileSync(file, `${JSON.stringify(r, (_k, v: unknown) => (typeof v === "number" && !Number.isInteger(v) ? round3(v) : v), 2)}\n`);
  return file;
}

const f = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : "n/a");
const signed = (v: number, digits = 3): string => (Number.isFinite(v) ? `${v >= 0 ? "+" : "−"}${Math.abs(v).toFixed(digits)}` : "n/a");
const pct = (keel: number, direct: number): string => signed(((keel - direct) / direct) * 100, 0) + " %";

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("   ").trimEnd()).join("\n");
}

export function render(r: Results): string {
  const { c1, c50 } = r.load;
  const s = r.sequential;
  const fb = r.streamFirstByte;
  const ac = (x: RunResult): string => `${x.latency.p50} / ${x.latency.p99}`;
  const main = table([
    ["non-streaming chat", "direct (sim)", "through Keel", "Keel − direct"],
    ["c=1   RPS", f(c1.direct.rps, 0), f(c1.keel.rps, 0), pct(c1.keel.rps, c1.direct.rps)],
    ["c=1   p50 / p99 ms (autocannon, whole ms)", ac(c1.direct), ac(c1.keel), `${signed(c1.keel.latency.p50 - c1.direct.latency.p50, 0)} / ${signed(c1.keel.latency.p99 - c1.direct.latency.p99, 0)}`],
    [`c=1   p50 ms (${s.n} sequential, undici)`, f(s.direct.p50), f(s.keel.p50), signed(s.keel.p50 - s.direct.p50)],
    ["c=1   mean / p99 ms (sequential)", `${f(s.direct.mean)} / ${f(s.direct.p99)}`, `${f(s.keel.mean)} / ${f(s.keel.p99)}`, `${signed(s.keel.mean - s.direct.mean)} / ${signed(s.keel.p99 - s.direct.p99)}`],
    ["c=50  RPS", f(c50.direct.rps, 0), f(c50.keel.rps, 0), pct(c50.keel.rps, c50.direct.rps)],
    ["c=50  p50 / p99 ms (autocannon, whole ms)", ac(c50.direct), ac(c50.keel), `${signed(c50.keel.latency.p50 - c50.direct.latency.p50, 0)} / ${signed(c50.keel.latency.p99 - c50.direct.latency.p99, 0)}`],
    ["c=50  non-2xx / errors", `${c50.direct.non2xx} / ${c50.direct.errors}`, `${c50.keel.non2xx} / ${c50.keel.errors}`, ""],
    [`stream first byte p50 ms (${fb.n} sequential)`, f(fb.direct.p50), f(fb.keel.p50), signed(fb.keel.p50 - fb.direct.p50)],
    ["stream first byte p99 ms", f(fb.direct.p99), f(fb.keel.p99), signed(fb.keel.p99 - fb.direct.p99)],
  ]);
  const cpu = table([
    ["CPU ms per request", "c=1 direct", "c=1 Keel", "c=50 direct", "c=50 Keel"],
    ["Keel process", "—", f(c1.keel.cpu.keelMsPerReq), "—", f(c50.keel.cpu.keelMsPerReq)],
    ["sim process", f(c1.direct.cpu.simMsPerReq), f(c1.keel.cpu.simMsPerReq), f(c50.direct.cpu.simMsPerReq), f(c50.keel.cpu.simMsPerReq)],
    ["load generator (autocannon)", f(c1.direct.cpu.loadgenMsPerReq), f(c1.keel.cpu.loadgenMsPerReq), f(c50.direct.cpu.loadgenMsPerReq), f(c50.keel.cpu.loadgenMsPerReq)],
    ["machine busy, cores (of which other)", ...[c1.direct, c1.keel, c50.direct, c50.keel].map((x) => `${f(x.cpu.machineBusyCores, 2)} (${f(x.cpu.otherBusyCores, 2)})`)],
  ]);
  const m = r.memory;
  const mem = [
    `Keel RSS: after its first call ${f(m.keelAtStart.rssMb, 1)} MB, after c=1 ${f(m.keelAfterC1.rssMb, 1)} MB, after c=50 ${f(m.keelAfterC50.rssMb, 1)} MB; ` +
      `peak ${f(m.keel.peakRssMb, 1)} MB, now ${f(m.keel.rssMb, 1)} MB   (sim: peak ${f(m.sim.peakRssMb, 1)} MB)`,
    `Embedding model loaded by the chat load: ${m.embedder.loadedDuringChatLoad ? "YES" : "no"} ` +
      `(address space ${signed(m.embedder.addressSpaceGrowthDuringChatLoadMb / 1024, 2)} GB during it` +
      (m.embedder.afterOneEmbeddingsCall
        ? `; one /v1/embeddings call afterwards: ${signed((m.embedder.afterOneEmbeddingsCall.vmSizeMb - m.keel.vmSizeMb) / 1024, 2)} GB, ` +
          `RSS ${f(m.keel.rssMb, 0)} → ${f(m.embedder.afterOneEmbeddingsCall.rssMb, 0)} MB)`
        : ")"),
    `Traces: ${r.traces.rowsWritten ?? "n/a"} rows written for ${r.traces.requestsSentToKeel} requests sent to Keel (incl. warm-ups)`,
  ].join("\n");
  const goals = table([
    ["target", "value", "limit", ""],
    ...r.targets.map((t) => [t.name, `${f(t.value, t.unit === "MB" ? 1 : 3)} ${t.unit}`, `≤ ${t.limit} ${t.unit}`, t.met ? "met" : "MISSED"]),
  ]);
  const head =
    `Keel gateway benchmark ${r.timestamp} — ${r.machine.cpuModel}, ${r.machine.cores} cores, node ${r.machine.node}; ` +
    `${r.settings.durationS} s runs after ${r.settings.warmupS} s warm-up, ${r.settings.requestBodyBytes}-byte body, max_tokens 16\n` +
    `code ${r.code.commit}${r.code.changedFiles > 0 ? ` + ${r.code.changedFiles} changed files` : ""}; ` +
    `Keel config: defaults${r.settings.extraKeelYaml ? ` + ${JSON.stringify(r.settings.extraKeelYaml)}` : " (traces and guardrails on)"}`;
  const noise = r.othersBusyCoresBefore > 0.2 ? `\nWARNING: ${f(r.othersBusyCoresBefore, 2)} cores were busy with other work before the run; figures are noisy.\n` : "";
  return [head, noise, main, "", cpu, "", mem, "", goals, ""].join("\n");
}

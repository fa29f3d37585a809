/**
 * Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and says where the CPU went: self time per
 * function, inclusive time per function, and self time per origin (Keel's dist/, undici, node:
 * internals, GC…), optionally only over a time window. Pure apart from reading the file.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  /** µs, on the same monotonic clock as process.hrtime (CLOCK_MONOTONIC on Linux). */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export type Origin =
  | "keel" | "undici" | "zod" | "better-sqlite3" | "gpt-tokenizer" | "other deps" | "node internals"
  | "native" | "gc" | "program" | "idle";

export interface FunctionCost {
  /** `name file:line`, file relative to the repository. */
  fn: string;
  origin: Origin;
  ms: number;
}

export interface ProfileSummary {
  /** Sampled time in the window, idle excluded. */
  busyMs: number;
  idleMs: number;
  windowed: boolean;
  byOrigin: Record<string, number>;
  topSelf: FunctionCost[];
  /** Inclusive, all origins but GC and (program); longer than `top` so each origin keeps some rows. */
  topInclusive: FunctionCost[];
}

export function originOf(url: string, functionName: string): Origin {
  if (url === "") {
    if (functionName === "(garbage collector)") return "gc";
    if (functionName === "(idle)") return "idle";
    // V8 builtins and C++ bindings called from JS (writev, JSON.parse, a RegExp): syscalls included.
    return functionName.startsWith("(") ? "program" : "native";
  }
  if (url.startsWith("node:")) return "node internals";
  if (url.includes("/node_modules/undici/")) return "undici";
  if (url.includes("/node_modules/zod/")) return "zod";
  if (url.includes("/node_modules/better-sqlite3/")) return "better-sqlite3";
  if (url.includes("/node_modules/gpt-tokenizer/")) return "gpt-tokenizer";
  if (url.includes("/node_modules/")) return "other deps";
  return url.includes("/dist/") ? "keel" : "other deps";
}

function label(n: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const file = url.replace(/^file:\/\//, "").replace(root, "").replace(/^.*\/node_modules\//, "");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

/**
 * `window` (µs, profile clock) keeps only samples taken inside it, e.g. the measured run without
 * start-up and warm-up. Each sample is charged the interval until the next one, as DevTools does.
 */
export function summarizeProfile(file: string, root: string, window?: { from: number; to: number }, top = 30): ProfileSummary {
  const p = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const windowed = window !== undefined && window.from >= p.startTime && window.to <= p.endTime;

  const self = new Map<string, FunctionCost>();
  const inclusive = new Map<string, FunctionCost>();
  const byOrigin: Record<string, number> = {};
  let busyUs = 0;
  let idleUs = 0;
  let t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    const dt = i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1] : 0;
    if (windowed && (t < window.from || t > window.to)) continue;
    const node = byId.get(p.samples[i]);
    if (!node) continue;
    const origin = originOf(node.callFrame.url, node.callFrame.functionName);
    byOrigin[origin] = (byOrigin[origin] ?? 0) + dt / 1000;
    if (origin === "idle") {
      idleUs += dt;
      continue;
    }
    busyUs += dt;
    add(self, label(node, root), origin, dt);
    // Inclusive: every distinct function on the stack once, so recursion is not counted twice.
    const seen = new Set<string>();
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const n = byId.get(id)!;
      const key = label(n, root);
      if (n.callFrame.functionName === "(root)" || seen.has(key)) continue;
      seen.add(key);
      add(inclusive, key, originOf(n.callFrame.url, n.callFrame.functionName), dt);
    }
  }
  const sorted = (m: Iterable<FunctionCost>, n: number): FunctionCost[] => [...m].sort((a, b) => b.ms - a.ms).slice(0, n);
  const incl = [...inclusive.values()].filter((f) => f.origin !== "gc" && f.origin !== "program");
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, windowed, byOrigin, topSelf: sorted(self.values(), top), topInclusive: sorted(incl, top * 4) };
}

function add(m: Map<string, FunctionCost>, fn: string, origin: Origin, us: number): void {
  const e = m.get(fn);
  if (e) e.ms += us / 1000;
  else m.set(fn, { fn, origin, ms: us / 1000 });
}

import { setFlagsFromString } from "node:v8";

/**
 * How much V8 lets the old generation grow past what survived the last full GC before it collects
 * again: `server.heap_growth_percent` (decision 0035). V8's own heuristic allows up to 4× on a
 * machine with a few GB of memory, so a gateway with ~40 MB live held ~120 MB of garbage on the
 * main thread under sustained load (bench/rss.ts). This is not a cap: the heap may still grow to
 * Node's limit when live data needs it; V8 only collects sooner. It is the one heap-sizing flag
 * V8 reads at every GC, so it can be set in a running process (the others, the semi-space and
 * old-generation sizes, are fixed when the process starts). 0 leaves V8's heuristic alone.
 */
export function applyHeapGrowth(percent: number, set: (flags: string) => void = setFlagsFromString): boolean {
  if (percent === 0) return false;
  set(`--heap-growing-percent=${percent}`);
  return true;
}

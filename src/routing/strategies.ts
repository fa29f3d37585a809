import { choosePrefixAffinity } from "./prefix-affinity.js";
import { busy } from "./target-load.js";
import type { Strategy } from "./route-schema.js";

/**
 * Routing choices: pure functions from a snapshot of a route's targets to the index of the one to
 * call. No clocks, no I/O, randomness passed in — so tests pin them down exactly, and the
 * prefix-affinity simulation (bench/prefix-affinity.ts) runs this very code in virtual time.
 *
 * Every strategy works inside one priority tier: the lowest `priority` number that still has an
 * available target. A lower tier is a fallback, used only when the whole tier above is out.
 */

/** What a decision sees of one target, read from its live state just before deciding. */
export interface TargetView {
  readonly weight: number;
  readonly priority: number;
  /** Calls this Keel has running on the target now. */
  readonly inFlight: number;
  /**
   * Requests the target's engine itself reports running + waiting (docs/engines.md), when its
   * scraped figures are fresh; null or absent otherwise. It counts every client's calls, not just
   * this Keel's, so least-busy prefers it to `inFlight`.
   */
  readonly engineLoad?: number | null;
  /** The engine's KV-cache usage (0–1) when fresh; null or absent otherwise. */
  readonly engineKv?: number | null;
  /** Moving average of time to first token (or latency), ms; null when unknown or stale. */
  readonly latencyMs: number | null;
  /** May be called now: its breaker lets calls through and the request has not ruled it out. */
  readonly available: boolean;
}

export interface DecisionInput {
  /** Uniform in [0, 1): breaks ties and draws weighted picks. */
  readonly random: () => number;
  /** prefix-affinity: leading prompt blocks each target is believed to hold (same indexing as the views). */
  readonly matchedBlocks?: readonly number[];
  /** prefix-affinity: the prompt's number of full blocks. */
  readonly promptBlocks?: number;
  /** prefix-affinity: bounded-load factor (≥ 1). */
  readonly loadFactor?: number;
}

/** Index of the chosen target, or -1 when none is available. */
export function chooseTarget(strategy: Strategy, views: readonly TargetView[], input: DecisionInput): number {
  const cands = bestTier(views);
  if (cands.length <= 1) return cands.length === 1 ? cands[0] : -1;
  switch (strategy) {
    case "failover":
      return cands[0];
    case "weighted":
      return weighted(cands, views, input.random);
    case "least-busy":
      return lowest(roomy(cands, views), (i) => busy(views[i]) / views[i].weight, input.random);
    case "least-latency":
      return leastLatency(cands, views, input.random);
    case "prefix-affinity":
      return choosePrefixAffinity(roomy(cands, views), views, input);
  }
}

/** KV-cache usage at or above this: the engine is preempting, and a new request there waits. */
export const KV_FULL = 0.95;

/**
 * Candidates whose engine's KV cache is not full (fresh figures only), or all of them when every
 * one is full: a full cache sheds load to its peers, never to nowhere.
 */
function roomy(cands: readonly number[], views: readonly TargetView[]): readonly number[] {
  let full = 0;
  for (const i of cands) if ((views[i].engineKv ?? 0) >= KV_FULL) full++;
  if (full === 0 || full === cands.length) return cands;
  return cands.filter((i) => (views[i].engineKv ?? 0) < KV_FULL);
}


/** Available targets of the best (lowest-numbered) priority, in configuration order. */
export function bestTier(views: readonly TargetView[]): number[] {
  let best = Infinity;
  for (const v of views) if (v.available && v.priority < best) best = v.priority;
  const out: number[] = [];
  for (let i = 0; i < views.length; i++) if (views[i].available && views[i].priority === best) out.push(i);
  return out;
}

function weighted(cands: readonly number[], views: readonly TargetView[], random: () => number): number {
  let total = 0;
  for (const i of cands) total += views[i].weight;
  let r = random() * total;
  for (const i of cands) {
    r -= views[i].weight;
    if (r < 0) return i;
  }
  return cands[cands.length - 1]; // r == total after rounding
}

/**
 * Peak-EWMA style: expected latency × (in-flight + 1), so the fastest target does not take every
 * call at once and queue up behind itself. A target with no recent samples scores as the mean of
 * those that have them — neither shunned nor flooded until it has answered once.
 */
function leastLatency(cands: readonly number[], views: readonly TargetView[], random: () => number): number {
  let sum = 0;
  let known = 0;
  for (const i of cands) {
    const l = views[i].latencyMs;
    if (l !== null) {
      sum += l;
      known++;
    }
  }
  const neutral = known > 0 ? sum / known : 1;
  return lowest(cands, (i) => (views[i].latencyMs ?? neutral) * (views[i].inFlight + 1), random);
}

/** The candidate with the lowest score; ties are broken uniformly at random (reservoir of one). */
export function lowest(cands: readonly number[], score: (i: number) => number, random: () => number): number {
  let best = -1;
  let bestScore = Infinity;
  let ties = 0;
  for (const i of cands) {
    const s = score(i);
    if (s < bestScore) {
      best = i;
      bestScore = s;
      ties = 1;
    } else if (s === bestScore && random() * ++ties < 1) {
      best = i;
    }
  }
  return best;
}

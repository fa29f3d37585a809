import type { DecisionInput, TargetView } from "./strategies.js";
import { busy } from "./target-load.js";

/**
 * Prefix-affinity with bounded load, for pools of self-hosted replicas with prefix caches (vLLM,
 * SGLang, llama.cpp).
 *
 * 1. Bounded load (consistent hashing with bounded loads, Mirrokni et al. 2016): a target is
 *    eligible only while its in-flight + 1 ≤ ⌈c · (total in-flight + 1) / n⌉. However strongly a
 *    prefix pulls, no replica takes more than c times its share, and the overflow spills to the
 *    next best replica — which then holds the prefix too, so a hot tenant spreads over as many
 *    replicas as its traffic needs.
 * 2. Among the eligible, score = matched fraction of the prompt − LOAD_WEIGHT · in-flight / bound.
 *    A replica holding most of the prompt wins over an idle one (prefill saved outweighs queueing
 *    there, which the bound already caps); partial matches — a common system prompt — are
 *    weighed against load, and with no match anywhere it is least-busy.
 *
 * Prefix-only scoring without (1) is what llm-d measured failing ~45% of requests at high QPS:
 * every request of a popular prefix lands on one replica. In the simulation (bench/prefix-affinity.ts)
 * the bound does the balancing: LOAD_WEIGHT between 0.25 and 1 moved the hit rate by under one
 * point, while the load factor trades hit rate against balance (docs/routing.md has the table).
 */

/** How much a full bound of load counts against a full prefix match. */
export const LOAD_WEIGHT = 0.5;
export const DEFAULT_LOAD_FACTOR = 1.25;

export function choosePrefixAffinity(cands: readonly number[], views: readonly TargetView[], input: DecisionInput): number {
  const c = input.loadFactor ?? DEFAULT_LOAD_FACTOR;
  let load = 0;
  // The engine's own queue when fresh (it counts every client's calls), else Keel's in-flight count.
  for (const i of cands) load += busy(views[i]);
  const bound = Math.ceil((c * (load + 1)) / cands.length);
  const blocks = input.promptBlocks ?? 0;
  const matched = input.matchedBlocks;
  let best = -1;
  let bestScore = -Infinity;
  let ties = 0;
  for (const i of cands) {
    const v = views[i];
    const busyNow = busy(v);
    if (busyNow + 1 > bound) continue;
    const hit = blocks > 0 && matched ? matched[i] / blocks : 0;
    const s = hit - (LOAD_WEIGHT * busyNow) / bound;
    if (s > bestScore) {
      best = i;
      bestScore = s;
      ties = 1;
    } else if (s === bestScore && input.random() * ++ties < 1) {
      best = i;
    }
  }
  return best;
}


import { wilsonInterval } from "../evals/stats/wilson.js";

/**
 * Per-entry semantic thresholds learned from audited hits (docs/cache.md). Every entry starts at
 * its route's threshold; when a verified re-ask shows one of its semantic hits was false, that
 * entry's threshold rises just above the false hit's similarity, so a paraphrase as far away (or
 * farther) never matches it again, while exact hits and closer paraphrases still do. One global
 * threshold cannot do this: it must sit above the worst false hit of every entry at once.
 */

/** How far above a false hit's similarity the entry's threshold goes. */
export const RAISE_MARGIN = 0.001;

/** The entry's threshold after a verified false hit at `similarity`. Pure; above 1 means "never semantically". */
export function raisedThreshold(current: number, similarity: number, margin = RAISE_MARGIN): number {
  return Math.max(current, similarity + margin);
}

/**
 * The learned thresholds of one process, bounded (oldest first). Only raised entries are held:
 * an entry absent here uses its route's threshold.
 */
export class EntryThresholds {
  private readonly raised = new Map<string, number>();

  constructor(private readonly max = 100_000) {}

  get size(): number {
    return this.raised.size;
  }

  /** The threshold a semantic match on `key` must reach: the route's, or the entry's if higher. */
  for(key: string, routeThreshold: number): number {
    const t = this.raised.get(key);
    return t === undefined || t < routeThreshold ? routeThreshold : t;
  }

  raise(key: string, routeThreshold: number, similarity: number): number {
    const t = raisedThreshold(this.for(key, routeThreshold), similarity);
    this.raised.delete(key);
    this.raised.set(key, t);
    if (this.raised.size > this.max) this.raised.delete(this.raised.keys().next().value as string);
    return t;
  }

  forget(key: string): void {
    this.raised.delete(key);
  }

  clear(): void {
    this.raised.clear();
  }
}

/** One labelled lookup in replay order: the stored entry, its similarity to the query, and whether the answer fits. */
export interface LabelledLookup {
  entry: string;
  similarity: number;
  duplicate: boolean;
}

export interface RuleOutcome {
  hits: number;
  falseHits: number;
  hitRate: number;
  falseHitRate: number;
  falseHitUpper95: number;
  /** False hits the audits saw (each one raised an entry's threshold). */
  audited: number;
}

export interface RuleComparison {
  threshold: number;
  global: RuleOutcome;
  perEntry: RuleOutcome;
}

/**
 * Replays labelled lookups in order under one global threshold and under the per-entry rule
 * started at the same threshold, where each false hit is audited with probability `auditShare`
 * (`random` passed in, so a comparison is reproducible). Pure.
 */
export function compareRules(lookups: readonly LabelledLookup[], threshold: number, auditShare: number, random: () => number): RuleComparison {
  const duplicates = lookups.filter((l) => l.duplicate).length;
  const outcome = (hits: number, falseHits: number, audited: number): RuleOutcome => ({
    hits, falseHits, audited,
    hitRate: duplicates === 0 ? 0 : (hits - falseHits) / duplicates,
    falseHitRate: hits === 0 ? 0 : falseHits / hits,
    falseHitUpper95: wilsonInterval(falseHits, hits).upper,
  });
  let gHits = 0;
  let gFalse = 0;
  let pHits = 0;
  let pFalse = 0;
  let audited = 0;
  const table = new EntryThresholds(Number.MAX_SAFE_INTEGER);
  for (const l of lookups) {
    if (l.similarity >= threshold) {
      gHits++;
      if (!l.duplicate) gFalse++;
    }
    if (l.similarity >= table.for(l.entry, threshold)) {
      pHits++;
      // An audit re-asks the model: only a hit can be audited, and only a false one raises.
      if (!l.duplicate) {
        pFalse++;
        if (random() < auditShare) {
          audited++;
          table.raise(l.entry, threshold, l.similarity);
        }
      }
    }
  }
  return { threshold, global: outcome(gHits, gFalse, 0), perEntry: outcome(pHits, pFalse, audited) };
}

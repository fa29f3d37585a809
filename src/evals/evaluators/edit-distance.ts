import { defineEvaluator } from "./spec.js";
import { expectedText, normalizeText, tokenize } from "./text.js";
import { notDefined, scored } from "./types.js";
import { levenshteinKind, rougeLKind } from "./edit-distance-schema.js";

/** Levenshtein distance over code points (insert, delete, substitute each cost 1), two-row DP. */
export function levenshtein(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  if (s.length === 0) return t.length;
  if (t.length === 0) return s.length;
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  let cur = new Array<number>(t.length + 1);
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= t.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (s[i - 1] === t[j - 1] ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[t.length];
}

/** Length of the longest common subsequence of two token lists. */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  let prev = new Array<number>(b.length + 1).fill(0);
  let cur = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) cur[j] = a[i - 1] === b[j - 1] ? prev[j - 1] + 1 : Math.max(prev[j], cur[j - 1]);
    [prev, cur] = [cur, prev];
    cur.fill(0);
  }
  return prev[b.length];
}

/**
 * ROUGE-L (Lin 2004, §3.1): P = LCS/|candidate|, R = LCS/|reference|,
 * F = (1 + β²)·P·R / (R + β²·P). β = 1 (F1) by default, as Google's rouge-score computes it.
 */
export function rougeL(candidate: readonly string[], reference: readonly string[], beta = 1): { precision: number; recall: number; f: number } {
  const lcs = lcsLength(candidate, reference);
  if (lcs === 0) return { precision: 0, recall: 0, f: 0 };
  const precision = lcs / candidate.length;
  const recall = lcs / reference.length;
  const b2 = beta * beta;
  return { precision, recall, f: ((1 + b2) * precision * recall) / (recall + b2 * precision) };
}

export const levenshteinSpec = defineEvaluator({
  ...levenshteinKind,
  create(o) {
    const threshold = o.threshold ?? 0.8;
    return {
      name: o.name ?? "levenshtein", kind: "levenshtein", family: "deterministic", threshold,
      async evaluate(c) {
        const ref = expectedText(c.expected);
        if (ref === undefined) return notDefined("no_reference", "the item has no expected output");
        const n = { caseSensitive: o.case_sensitive };
        const a = normalizeText(c.output, n);
        const b = normalizeText(ref, n);
        const longest = Math.max([...a].length, [...b].length);
        if (longest === 0) return notDefined("both_empty", "output and reference are both empty: similarity is 0/0");
        const d = levenshtein(a, b);
        return scored(1 - d / longest, threshold, `edit distance ${d} over ${longest} characters`, { details: { distance: d } });
      },
    };
  },
});

export const rougeLSpec = defineEvaluator({
  ...rougeLKind,
  create(o) {
    const threshold = o.threshold ?? 0.5;
    return {
      name: o.name ?? "rouge_l", kind: "rouge_l", family: "deterministic", threshold,
      async evaluate(c) {
        const ref = expectedText(c.expected);
        if (ref === undefined) return notDefined("no_reference", "the item has no expected output");
        const cand = tokenize(c.output);
        const refTokens = tokenize(ref);
        if (cand.length === 0 && refTokens.length === 0) return notDefined("both_empty", "output and reference have no tokens: ROUGE-L is 0/0");
        const r = rougeL(cand, refTokens, o.beta);
        return scored(r.f, threshold, `LCS precision ${r.precision.toFixed(3)}, recall ${r.recall.toFixed(3)}`, { details: { precision: r.precision, recall: r.recall } });
      },
    };
  },
});

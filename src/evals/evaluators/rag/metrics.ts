/**
 * The RAG formulas, pure and exact. Each returns a value or a typed reason it has none; the
 * evaluators in `rag-evaluators.ts` decide how claims and relevance labels are obtained.
 */
import { contentTokens, normalizeText } from "../text.js";

export type Ratio = { readonly value: number } | { readonly value: null; readonly why: "no_claims" | "empty_context" | "no_relevant_context" | "no_reference" };

/** supported / total; no claims → undefined. Faithfulness and claim-based context recall. */
export function supportedShare(supported: readonly boolean[]): Ratio {
  if (supported.length === 0) return { value: null, why: "no_claims" };
  return { value: supported.filter(Boolean).length / supported.length };
}

/**
 * Rank-aware context precision: average precision over the relevant ranks,
 *   AP = Σ_k P@k · rel_k / Σ_k rel_k,   P@k = (Σ_{i≤k} rel_i) / k,
 * for chunks k = 1..K in retrieval order. No chunks, or no relevant chunk, leaves AP undefined
 * (its denominator is 0): an empty retrieval and an all-irrelevant one are reported, not scored.
 */
export function averagePrecision(relevant: readonly boolean[]): Ratio {
  if (relevant.length === 0) return { value: null, why: "empty_context" };
  let hits = 0;
  let sum = 0;
  relevant.forEach((r, i) => {
    if (!r) return;
    hits++;
    sum += hits / (i + 1);
  });
  if (hits === 0) return { value: null, why: "no_relevant_context" };
  return { value: sum / hits };
}

/** |relevant ∩ retrieved| / |relevant|, matching chunks by normalised text. */
export function setRecall(relevant: readonly string[], retrieved: readonly string[]): Ratio {
  if (relevant.length === 0) return { value: null, why: "no_reference" };
  const got = new Set(retrieved.map((c) => normalizeText(c)));
  return { value: relevant.filter((r) => got.has(normalizeText(r))).length / relevant.length };
}

/**
 * Lexical support of a claim by a context: the largest share of the claim's content tokens (words
 * minus stop words) found in any single chunk. A claim counts as supported at ≥ `threshold`.
 */
export function lexicalSupport(claim: string, context: readonly string[]): number {
  const want = new Set(contentTokens(claim));
  if (want.size === 0) return 0;
  let best = 0;
  for (const chunk of context) {
    const have = new Set(contentTokens(chunk));
    let n = 0;
    for (const t of want) if (have.has(t)) n++;
    best = Math.max(best, n / want.size);
  }
  return best;
}

/** Relevance labels for retrieved chunks from ground-truth relevant chunks (normalised text match). */
export function labelsFromReference(context: readonly string[], relevant: readonly string[]): boolean[] {
  const want = new Set(relevant.map((r) => normalizeText(r)));
  return context.map((c) => want.has(normalizeText(c)));
}

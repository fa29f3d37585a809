import type { Embedder } from "../../providers/embeddings/embedder.js";
import { dot } from "../../providers/embeddings/vector.js";
import { defineEvaluator } from "./spec.js";
import { expectedText } from "./text.js";
import { notDefined, scored } from "./types.js";
import { embeddingSimilarityKind } from "./embedding-similarity-schema.js";

/**
 * Cosine similarity of two texts, clipped at 0 (an `Embedder` returns unit vectors, so cosine is
 * the dot product). Texts longer than the embedder accepts are cut to its limit.
 */
export async function textSimilarity(embedder: Embedder, a: string, b: string, signal?: AbortSignal): Promise<number> {
  const cut = (t: string): string => (t.length > embedder.maxInputChars ? t.slice(0, embedder.maxInputChars) : t);
  const [va, vb] = await embedder.embed([cut(a), cut(b)], signal);
  return Math.max(0, Math.min(1, dot(va, vb)));
}

export const embeddingSimilaritySpec = defineEvaluator({
  ...embeddingSimilarityKind,
  create(o, deps) {
    const embedder = deps.embedder;
    if (!embedder) throw new Error("embedding_similarity needs an embedder");
    const threshold = o.threshold ?? 0.8;
    return {
      name: o.name ?? "embedding_similarity", kind: "embedding_similarity", family: "embedding", threshold,
      async evaluate(c, signal) {
        const ref = expectedText(c.expected);
        if (ref === undefined) return notDefined("no_reference", "the item has no expected output");
        const out = c.output.trim();
        const r = ref.trim();
        if (out.length === 0 && r.length === 0) return notDefined("both_empty", "output and reference are both empty");
        if (out.length === 0 || r.length === 0) return scored(0, threshold, out.length === 0 ? "the output is empty" : "the reference is empty");
        const sim = await textSimilarity(embedder, out, r, signal);
        return scored(sim, threshold, `cosine similarity ${sim.toFixed(3)} (${embedder.model})`);
      },
    };
  },
});

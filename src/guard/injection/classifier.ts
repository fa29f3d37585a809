/**
 * The statistical layer: logistic regression over `features.ts`, weights trained by
 * scripts/guard/train-injection.ts and shipped as `model.json` (provenance in MODEL_CARD.md).
 * Loaded once, on first use, from the file beside this module: no network, no native code.
 */
import { z } from "zod";
import modelJson from "./model.json" with { type: "json" };
import { analyze, type Analysis } from "./analyze.js";
import { DENSE_FEATURES, featureCount, featurize, type SparseVector } from "./features.js";
import { buildDescrambler, type Descrambler } from "./typoglycemia.js";
import { SIGNATURES } from "./signatures.js";

export const ModelFileSchema = z.object({
  format: z.literal("keel-injection-lr/1"),
  hashBits: z.number().int().min(8).max(22),
  dense: z.array(z.string()),
  /** Hashed weights then dense weights, rounded; length = 2^hashBits + dense.length. */
  weights: z.array(z.number()),
  /** Words the typoglycemia fold restores to, most important first. */
  vocabulary: z.array(z.string()),
  /** Decision threshold chosen by cross-validation (see MODEL_CARD.md). */
  threshold: z.number().min(0).max(1),
  trainedAt: z.string(),
  rows: z.record(z.string(), z.number()),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

export interface InjectionModel {
  readonly hashBits: number;
  readonly weights: Float64Array;
  readonly descrambler: Descrambler;
  readonly threshold: number;
}

/** Words every descrambler knows whatever the model: the signature vocabulary. */
export const SIGNATURE_VOCABULARY: readonly string[] = [
  ...new Set(
    // "\\bignore" is a word boundary and "ignore": drop escapes before taking words.
    SIGNATURES.flatMap((s) => s.re.source.replace(/\\[a-zA-Z]/g, " ").toLowerCase().match(/[a-z]{5,}/g) ?? []),
  ),
];

export function loadModel(json: unknown): InjectionModel {
  const m = ModelFileSchema.parse(json);
  if (m.dense.join(",") !== DENSE_FEATURES.join(",")) {
    throw new Error("injection model: dense features differ from this code; retrain with scripts/guard/train-injection.ts");
  }
  const n = featureCount({ hashBits: m.hashBits });
  if (m.weights.length !== n) throw new Error(`injection model: expected ${n} weights, got ${m.weights.length}`);
  return {
    hashBits: m.hashBits,
    weights: Float64Array.from(m.weights),
    descrambler: buildDescrambler([...SIGNATURE_VOCABULARY, ...m.vocabulary]),
    threshold: m.threshold,
  };
}

let shipped: InjectionModel | undefined;

/** The model shipped in the repository, parsed on first use. */
export function shippedModel(): InjectionModel {
  shipped ??= loadModel(modelJson);
  return shipped;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

export function scoreVector(weights: ArrayLike<number>, x: SparseVector): number {
  let z = 0;
  for (let i = 0; i < x.idx.length; i++) z += weights[x.idx[i]] * x.val[i];
  return sigmoid(z);
}

/** Probability that `a` is an injection or jailbreak according to the classifier alone. */
export function classify(model: InjectionModel, a: Analysis): number {
  return scoreVector(model.weights, featurize(a, { hashBits: model.hashBits }));
}

export function analyzeWith(model: InjectionModel, text: string): Analysis {
  return analyze(text, model.descrambler);
}

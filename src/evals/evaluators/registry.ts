import { z } from "zod";
import { agentStepsSpec } from "./agent-steps.js";
import { costSpec, latencySpec } from "./bounds.js";
import { levenshteinSpec, rougeLSpec } from "./edit-distance.js";
import { embeddingSimilaritySpec } from "./embedding-similarity.js";
import { jsonFieldSpec, jsonSchemaSpec } from "./json-checks.js";
import { correctnessSpec } from "./judge/correctness.js";
import { pairwiseSpec } from "./judge/pairwise.js";
import { rubricSpec } from "./judge/rubric.js";
import { numericSpec } from "./numeric.js";
import { answerRelevanceSpec, contextPrecisionSpec, contextRecallSpec, faithfulnessSpec } from "./rag/rag-evaluators.js";
import type { EvaluatorDeps, EvaluatorSpec } from "./spec.js";
import { containsSpec, exactSpec, regexSpec } from "./string-match.js";
import { toolCallSpec } from "./tool-calls.js";
import type { Evaluator } from "./types.js";

/** Every evaluator kind Keel ships. A new kind is one spec here and one file beside it. */
export const EVALUATOR_SPECS = [
  exactSpec, containsSpec, regexSpec, jsonSchemaSpec, jsonFieldSpec, numericSpec, levenshteinSpec, rougeLSpec, toolCallSpec,
  latencySpec, costSpec, embeddingSimilaritySpec, rubricSpec, pairwiseSpec, correctnessSpec,
  faithfulnessSpec, answerRelevanceSpec, contextPrecisionSpec, contextRecallSpec, agentStepsSpec,
] as const;

/** One evaluator entry of a suite or online rule, validated by its kind's own schema. */
export const evaluatorConfigSchema = z.discriminatedUnion("kind", EVALUATOR_SPECS.map((s) => s.schema) as unknown as [
  (typeof EVALUATOR_SPECS)[number]["schema"],
  ...(typeof EVALUATOR_SPECS)[number]["schema"][],
]);
export type EvaluatorConfig = z.output<typeof evaluatorConfigSchema>;
export type EvaluatorConfigInput = z.input<typeof evaluatorConfigSchema>;

const BY_KIND = new Map<string, EvaluatorSpec>(EVALUATOR_SPECS.map((s) => [s.kind, s as unknown as EvaluatorSpec]));

export function evaluatorSpec(kind: string): EvaluatorSpec | undefined {
  return BY_KIND.get(kind);
}

/**
 * Builds evaluators from parsed configs. Names must be unique: they are the metric names that
 * results, comparisons and gates refer to.
 */
export function buildEvaluators(configs: readonly EvaluatorConfig[], deps: EvaluatorDeps): Evaluator[] {
  const seen = new Set<string>();
  return configs.map((cfg, i) => {
    const spec = BY_KIND.get(cfg.kind)!;
    const ev = spec.create(cfg as never, deps);
    if (seen.has(ev.name)) throw new Error(`evaluators[${i}]: duplicate metric name "${ev.name}" (set \`name\` to tell them apart)`);
    seen.add(ev.name);
    return ev;
  });
}

/** Does any of these configs need a judge client / an embedder? Lets callers build only what is used. */
export function needsOf(configs: readonly EvaluatorConfig[]): { judge: boolean; embedder: boolean } {
  let judge = false;
  let embedder = false;
  for (const c of configs) {
    const family = BY_KIND.get(c.kind)!.family;
    const o = c as { method?: string; relevance?: string };
    if (family === "judge" || o.method === "judge" || o.relevance === "judge") judge = true;
    if (family === "embedding" || c.kind === "answer_relevance") embedder = true;
  }
  return { judge, embedder };
}

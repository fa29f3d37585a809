import { agentStepsSpec } from "./agent-steps.js";
import { costSpec, latencySpec } from "./bounds.js";
import type { EvaluatorConfig } from "./config-schema.js";
import { levenshteinSpec, rougeLSpec } from "./edit-distance.js";
import { embeddingSimilaritySpec } from "./embedding-similarity.js";
import { jsonFieldSpec, jsonSchemaSpec } from "./json-checks.js";
import { correctnessSpec } from "./judge/correctness.js";
import { pairwiseSpec } from "./judge/pairwise.js";
import { rubricSpec } from "./judge/rubric.js";
import { numericSpec } from "./numeric.js";
import { citationPrecisionSpec } from "./rag/citation-precision.js";
import { answerRelevanceSpec, contextPrecisionSpec, contextRecallSpec, faithfulnessSpec } from "./rag/rag-evaluators.js";
import type { EvaluatorDeps, EvaluatorSpec } from "./spec.js";
import { containsSpec, exactSpec, regexSpec } from "./string-match.js";
import { toolCallSpec } from "./tool-calls.js";
import type { Evaluator } from "./types.js";

// The schemas live apart (config-schema.ts) so configuration loads no evaluator code; these
// re-exports keep one import for callers that build evaluators as well as parse them.
export { evaluatorConfigSchema, needsOf, type EvaluatorConfig, type EvaluatorConfigInput } from "./config-schema.js";

/** Every evaluator kind Keel ships with its factory, in the order of `EVALUATOR_KINDS`. A new kind is one schema file, one spec file, and a line in each list. */
export const EVALUATOR_SPECS = [
  exactSpec, containsSpec, regexSpec, jsonSchemaSpec, jsonFieldSpec, numericSpec, levenshteinSpec, rougeLSpec, toolCallSpec,
  latencySpec, costSpec, embeddingSimilaritySpec, rubricSpec, pairwiseSpec, correctnessSpec,
  faithfulnessSpec, answerRelevanceSpec, contextPrecisionSpec, contextRecallSpec, agentStepsSpec,
  citationPrecisionSpec,
] as const;

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

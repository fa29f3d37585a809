import { test } from "node:test";
import assert from "node:assert/strict";
import { bagOfWordsEmbedder, simJudge } from "../testing/sim-clients.js";
import { EVALUATOR_KINDS } from "./config-schema.js";
import { checkAbort, evaluatorContract } from "./evaluator.contract.js";
import { buildEvaluators, EVALUATOR_SPECS, evaluatorConfigSchema, type EvaluatorConfigInput } from "./registry.js";
import type { EvaluatorDeps } from "./spec.js";
import { scored, type Evaluator } from "./types.js";

// The judge answers every prompt shape the judge kinds use, so each kind gets a real verdict.
const judge = simJudge([
  { match: '"winner"', json: { reasoning: "A is clearer", winner: "A" } },
  { match: '"verdict": "correct"', json: { reasoning: "matches", verdict: "correct" } },
  { match: '"verdict": "good"', json: { reasoning: "fine", verdict: "good" } },
  { match: '"claims"', json: { claims: [{ claim: "Paris is the capital of France", supported: true }] } },
  { match: "exactly 2 entries", json: { relevant: [true, false], supported: [true, false] } },
  { match: "exactly 1 entries", json: { relevant: [true], supported: [true] } },
  { match: '"score"', json: { reasoning: "good", score: 4 } },
]);
const deps = { judge, embedder: bagOfWordsEmbedder() };

/** One valid configuration per kind; the test below fails when a new kind is missing here. */
const CONFIGS: Record<string, EvaluatorConfigInput[]> = {
  exact: [{ kind: "exact" }],
  contains: [{ kind: "contains" }, { kind: "contains", values: ["Paris", "France"], mode: "any" }],
  regex: [{ kind: "regex", pattern: "paris", flags: "i" }],
  json_schema: [{ kind: "json_schema", schema: { type: "object", required: ["a"] } }],
  json_field: [{ kind: "json_field", paths: ["a"] }, { kind: "json_field", fields: { a: 1 } }],
  numeric: [{ kind: "numeric", abs: 0.5 }],
  levenshtein: [{ kind: "levenshtein" }],
  rouge_l: [{ kind: "rouge_l" }],
  tool_call: [{ kind: "tool_call" }, { kind: "tool_call", ordered: false, exact_arguments: true }],
  latency: [{ kind: "latency", max_ms: 1000 }],
  cost: [{ kind: "cost", max_usd: 0.01 }],
  embedding_similarity: [{ kind: "embedding_similarity" }],
  judge_rubric: [{ kind: "judge_rubric", model: "sim", criteria: "Helpful and correct", steps: ["Check facts"] }],
  judge_pairwise: [{ kind: "judge_pairwise", model: "sim", criteria: "Better answer" }],
  judge_correctness: [{ kind: "judge_correctness", model: "sim" }],
  faithfulness: [{ kind: "faithfulness" }, { kind: "faithfulness", method: "judge", model: "sim" }],
  answer_relevance: [{ kind: "answer_relevance" }],
  context_precision: [{ kind: "context_precision" }, { kind: "context_precision", relevance: "judge", model: "sim" }],
  context_recall: [{ kind: "context_recall" }, { kind: "context_recall", method: "judge", model: "sim" }],
  agent_steps: [{ kind: "agent_steps", method: "reference" }, { kind: "agent_steps", model: "sim" }],
  citation_precision: [{ kind: "citation_precision" }, { kind: "citation_precision", method: "judge", model: "sim" }],
};

test("every registered evaluator kind runs the contract", () => {
  assert.deepEqual(Object.keys(CONFIGS).sort(), EVALUATOR_SPECS.map((s) => s.kind).sort());
});

for (const [kind, configs] of Object.entries(CONFIGS)) {
  configs.forEach((cfg, i) => {
    const parsed = evaluatorConfigSchema.parse(cfg);
    evaluatorContract(`${kind}#${i}`, (d) => buildEvaluators([parsed], d)[0], deps);
  });
}

test("the schema-only kinds config parses are exactly the registered specs, schema for schema", () => {
  assert.deepEqual(EVALUATOR_KINDS.map((k) => k.kind), EVALUATOR_SPECS.map((s) => s.kind));
  EVALUATOR_KINDS.forEach((k, i) => {
    assert.equal(EVALUATOR_SPECS[i].schema, k.schema, `${k.kind}: the spec must reuse its kind's schema`);
    assert.equal(EVALUATOR_SPECS[i].family, k.family);
  });
});

test("the abort rule fails an evaluator that ignores the signal and calls its judge", async () => {
  const ignoresAbort = (d: EvaluatorDeps): Evaluator => ({
    name: "careless", kind: "careless", family: "judge", threshold: 0.5, fingerprint: "0123456789abcdef",
    // Calls the judge without the signal and turns whatever happens into a score: the bug the rule exists for.
    async evaluate(c) {
      await d.judge!.complete({ model: "sim", messages: [{ role: "user", content: String(c.input) }] });
      return scored(1, 0.5, "judged");
    },
  });
  await assert.rejects(checkAbort(ignoresAbort, deps), /resolved after an abort but called its judge or embedder 1 time/);
  // The same evaluator, told nothing to do, resolves without I/O and passes.
  const idle = (): Evaluator => ({ ...ignoresAbort(deps), evaluate: async () => scored(1, 0.5, "no I/O") });
  await checkAbort(idle, deps);
});

test("options are validated by each kind's own schema", () => {
  const bad = (cfg: unknown): boolean => !evaluatorConfigSchema.safeParse(cfg).success;
  assert.ok(bad({ kind: "regex", pattern: "(" }), "pattern must compile");
  assert.ok(bad({ kind: "regex", pattern: "x", extra: 1 }), "strict: unknown keys are refused");
  assert.ok(bad({ kind: "judge_rubric", criteria: "x" }), "judges need a model");
  assert.ok(bad({ kind: "judge_rubric", model: "m", criteria: "x", scale: { min: 5, max: 1 } }));
  assert.ok(bad({ kind: "faithfulness", method: "judge" }), "judge method needs a model");
  assert.ok(bad({ kind: "json_field" }), "fields or paths");
  assert.ok(bad({ kind: "nope" }));
  assert.ok(bad({ kind: "exact", threshold: 2 }));
});

test("metric names must be unique within a suite", () => {
  const cfgs = [evaluatorConfigSchema.parse({ kind: "exact" }), evaluatorConfigSchema.parse({ kind: "exact" })];
  assert.throws(() => buildEvaluators(cfgs, deps), /duplicate metric name "exact"/);
  const named = [evaluatorConfigSchema.parse({ kind: "exact" }), evaluatorConfigSchema.parse({ kind: "exact", name: "exact_cs", case_sensitive: true })];
  assert.equal(buildEvaluators(named, deps).length, 2);
});

test("a judge kind without a judge client is a configuration error", () => {
  assert.throws(() => buildEvaluators([evaluatorConfigSchema.parse({ kind: "judge_correctness", model: "m" })], {}), /needs a judge client/);
});

test("docs/evals.md documents every evaluator kind", async () => {
  const { readFileSync } = await import("node:fs");
  const doc = readFileSync(new URL("../../../docs/evals.md", import.meta.url), "utf8");
  for (const s of EVALUATOR_SPECS) assert.match(doc, new RegExp(`\`${s.kind}\``), `${s.kind} missing from docs/evals.md`);
});

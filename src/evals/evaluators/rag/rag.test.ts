import { test } from "node:test";
import assert from "node:assert/strict";
import { bagOfWordsEmbedder, simJudge } from "../../testing/sim-clients.js";
import { buildEvaluators, evaluatorConfigSchema, type EvaluatorConfigInput } from "../registry.js";
import type { EvalCase, EvalResult } from "../types.js";
import { averagePrecision, lexicalSupport, setRecall, supportedShare } from "./metrics.js";

const CONTEXT = ["Paris is the capital and largest city of France.", "The Louvre is a museum in Paris.", "Berlin is the capital of Germany."];
function ev(cfg: EvaluatorConfigInput, judge = simJudge([])) {
  return buildEvaluators([evaluatorConfigSchema.parse(cfg)], { judge, embedder: bagOfWordsEmbedder() })[0];
}
const base: EvalCase = { input: "What is the capital of France?", output: "" };
const close = (a: number | null, b: number): void => assert.ok(a !== null && Math.abs(a - b) < 1e-12, `${a} ≉ ${b}`);
function value(r: EvalResult): number {
  assert.equal(r.status, "scored", JSON.stringify(r));
  return (r as { score: number }).score;
}
function reason(r: EvalResult): string {
  assert.equal(r.status, "undefined", JSON.stringify(r));
  return (r as { reason: string }).reason;
}

test("average precision over relevant ranks, by hand", () => {
  // relevant at ranks 1 and 3: (1/1 + 2/3) / 2 = 5/6
  close(averagePrecision([true, false, true]).value, (1 + 2 / 3) / 2);
  // relevant only at rank 2: (1/2) / 1
  assert.equal(averagePrecision([false, true]).value, 0.5);
  // relevant at ranks 2 and 3: (1/2 + 2/3) / 2 = 7/12
  close(averagePrecision([false, true, true]).value, 7 / 12);
  assert.deepEqual(averagePrecision([false, false]), { value: null, why: "no_relevant_context" });
  assert.deepEqual(averagePrecision([]), { value: null, why: "empty_context" });
});

test("supported share, set recall and lexical support, by hand", () => {
  assert.equal(supportedShare([true, false, true, true]).value, 0.75);
  assert.deepEqual(supportedShare([]), { value: null, why: "no_claims" });
  assert.equal(setRecall(["A.", "B."], ["a.", "C."]).value, 0.5);
  assert.deepEqual(setRecall([], ["A"]), { value: null, why: "no_reference" });
  // content words of the claim: {paris, capital, france}; all three are in chunk 1
  assert.equal(lexicalSupport("Paris is the capital of France.", CONTEXT), 1);
  // {eiffel, tower, rome}: none anywhere
  assert.equal(lexicalSupport("The Eiffel Tower is in Rome.", CONTEXT), 0);
  // {louvre, largest, museum, germany}: best single chunk has louvre + museum = 2/4
  assert.equal(lexicalSupport("The Louvre is the largest museum in Germany.", CONTEXT), 0.5);
});

test("faithfulness (lexical): 1 of 2 claims supported = 0.5; empty cases are typed", async () => {
  const f = ev({ kind: "faithfulness" });
  const r = await f.evaluate({ ...base, output: "Paris is the capital of France. The Eiffel Tower is in Rome.", context: CONTEXT });
  assert.equal(value(r), 0.5);
  assert.match(r.explanation, /1 of 2 claims supported; unsupported: "The Eiffel Tower is in Rome\."/);
  assert.equal(reason(await f.evaluate({ ...base, output: "Paris." })), "no_context", "no retrieval: not applicable");
  assert.equal(reason(await f.evaluate({ ...base, output: "", context: CONTEXT })), "no_claims", "empty output makes no claims");
  assert.equal(reason(await f.evaluate({ ...base, output: "Is it? It is.", context: CONTEXT })), "no_claims", "no content words, no claims");
  assert.equal(value(await f.evaluate({ ...base, output: "Paris is the capital.", context: [] })), 0, "retrieval found nothing: every claim is unsupported");
});

test("faithfulness (judge): the sim judge's claim list decides; an empty list is no_claims, not 1.0", async () => {
  const judge = simJudge([
    { match: "\\[ANSWER\\]\\nHello", json: { claims: [] } },
    { match: ".", json: { claims: [{ claim: "Paris is the capital", supported: true }, { claim: "It has 90M people", supported: false }, { claim: "It is in Europe", supported: true }] } },
  ]);
  const f = ev({ kind: "faithfulness", method: "judge", model: "sim" }, judge);
  close(value(await f.evaluate({ ...base, output: "Paris, 90M people, in Europe.", context: CONTEXT })), 2 / 3);
  assert.equal(reason(await f.evaluate({ ...base, output: "Hello there!", context: CONTEXT })), "no_claims");
});

test("answer relevance: cosine of input and output embeddings; empty output 0", async () => {
  const a = ev({ kind: "answer_relevance" });
  assert.ok(Math.abs(value(await a.evaluate({ input: "capital of France", output: "capital of France" })) - 1) < 1e-6);
  assert.equal(value(await a.evaluate({ input: "capital of France", output: "" })), 0);
  assert.equal(reason(await a.evaluate({ input: " ", output: "x" })), "not_applicable");
});

test("context precision (reference labels): relevant at ranks 1 and 3 of 3 → 5/6; undefined cases", async () => {
  const p = ev({ kind: "context_precision" });
  const r = await p.evaluate({ ...base, context: CONTEXT, relevantContext: [CONTEXT[0], CONTEXT[2]] });
  close(value(r), 5 / 6);
  assert.match(r.explanation, /ranks 1, 3 of 3/);
  assert.equal(reason(await p.evaluate({ ...base, context: [], relevantContext: ["x"] })), "empty_context");
  assert.equal(reason(await p.evaluate({ ...base, relevantContext: ["x"] })), "no_context");
  assert.equal(reason(await p.evaluate({ ...base, context: CONTEXT, relevantContext: ["unrelated"] })), "no_relevant_context");
  assert.equal(reason(await p.evaluate({ ...base, context: CONTEXT })), "no_reference");
});

test("context precision (judge labels): relevant at rank 2 only → 1/2", async () => {
  const judge = simJudge([{ match: "exactly 3 entries", json: { relevant: [false, true, false] } }]);
  assert.equal(value(await ev({ kind: "context_precision", relevance: "judge", model: "sim" }, judge).evaluate({ ...base, context: CONTEXT })), 0.5);
});

test("context recall: set form 1 of 2; claim form 1 of 2 reference sentences supported", async () => {
  const rc = ev({ kind: "context_recall" });
  assert.equal(value(await rc.evaluate({ ...base, context: [CONTEXT[0]], relevantContext: [CONTEXT[0], CONTEXT[1]] })), 0.5);
  // reference claims: {paris, capital} (supported by chunk 1) and {hosts, mona, lisa} (nowhere)
  assert.equal(value(await rc.evaluate({ ...base, context: CONTEXT, expected: "Paris is the capital. It hosts the Mona Lisa." })), 0.5);
  assert.equal(value(await rc.evaluate({ ...base, context: [], expected: "Paris is the capital." })), 0, "nothing retrieved: nothing recalled");
  assert.equal(reason(await rc.evaluate({ ...base, context: CONTEXT })), "no_reference");
  assert.equal(reason(await rc.evaluate({ ...base, context: CONTEXT, expected: "..." })), "no_claims");
  assert.equal(reason(await rc.evaluate({ ...base, expected: "Paris." })), "no_context");
});

test("context recall (judge): statements are the reference's sentences, in order", async () => {
  const judge = simJudge([{ match: "exactly 3 entries", json: { supported: [true, true, false] } }]);
  const r = await ev({ kind: "context_recall", method: "judge", model: "sim" }, judge).evaluate({ ...base, context: CONTEXT, expected: "One fact here. Two facts here. Three facts here." });
  close(value(r), 2 / 3);
  assert.match(judge.requests[0].messages.at(-1)!.content as string, /1\. One fact here\.\n2\. Two facts here\.\n3\. Three facts here\./);
});

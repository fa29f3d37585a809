import { test } from "node:test";
import assert from "node:assert/strict";
import { simJudge } from "../../testing/sim-clients.js";
import { buildEvaluators, evaluatorConfigSchema, type EvaluatorConfigInput } from "../registry.js";
import type { EvalCase, EvalResult } from "../types.js";
import { combineOrders } from "./pairwise.js";
import { extractJsonObject } from "./verdict.js";

function judgeEval(cfg: EvaluatorConfigInput, judge: ReturnType<typeof simJudge>) {
  return buildEvaluators([evaluatorConfigSchema.parse(cfg)], { judge })[0];
}
const c = (output: string, extra: Partial<EvalCase> = {}): EvalCase => ({ input: "What is the capital of France?", output, ...extra });
function scoredOf(r: EvalResult) {
  assert.equal(r.status, "scored", JSON.stringify(r));
  return r as Extract<EvalResult, { status: "scored" }>;
}

test("verdicts are found in bare JSON, fenced blocks and prose", () => {
  assert.deepEqual(extractJsonObject('{"score": 3}'), { score: 3 });
  assert.deepEqual(extractJsonObject('Sure!\n```json\n{"score": 4}\n```'), { score: 4 });
  assert.deepEqual(extractJsonObject('My verdict is {"winner": "A", "reasoning": "it has a } in it"} — done.'), { winner: "A", reasoning: "it has a } in it" });
  assert.equal(extractJsonObject("no json here"), undefined);
});

test("rubric: the sim judge's rating r on 1–5 becomes (r − 1)/4, and the raw rating is kept", async () => {
  const judge = simJudge([
    { match: "\\[ANSWER\\]\\nParis", json: { reasoning: "correct and concise", score: 5 } },
    { match: "\\[ANSWER\\]\\nLyon", json: { reasoning: "wrong city", score: 1 } },
    { match: "\\[ANSWER\\]", json: { reasoning: "partly", score: 4 } },
  ]);
  const ev = judgeEval({ kind: "judge_rubric", model: "sim", criteria: "Correct and concise", steps: ["Check the city"], threshold: 0.75 }, judge);
  const paris = scoredOf(await ev.evaluate(c("Paris")));
  assert.equal(paris.score, 1);
  assert.equal(paris.rating, 5);
  assert.equal(paris.explanation, "correct and concise");
  assert.ok((paris.cost_usd ?? 0) > 0, "judge calls are costed");
  assert.equal(scoredOf(await ev.evaluate(c("Lyon"))).score, 0);
  const other = scoredOf(await ev.evaluate(c("It is Paris, I think")));
  assert.equal(other.score, 0.75);
  assert.equal(other.passed, true);
  const prompt = judge.requests[0].messages.at(-1)!.content as string;
  assert.match(prompt, /Correct and concise/);
  assert.match(prompt, /1\. Check the city/);
  assert.match(prompt, /integer from 1 \(worst\) to 5 \(best\)/);
  assert.equal(judge.requests[0].temperature, 0);
});

test("rubric: a malformed verdict is retried with the parse error; success on the second call", async () => {
  const judge = simJudge([
    { match: "could not be used", json: { reasoning: "fixed", score: 2 } },
    { match: "\\[ANSWER\\]\\nramble", text: "I would say it is quite good overall." },
  ]);
  const ev = judgeEval({ kind: "judge_rubric", model: "sim", criteria: "x" }, judge);
  const r = scoredOf(await ev.evaluate(c("ramble")));
  assert.equal(r.rating, 2);
  assert.equal(judge.calls, 2);
  assert.deepEqual(r.details, { attempts: 2, scale: [1, 5] });
  const retry = judge.requests[1].messages;
  assert.equal(retry.at(-2)!.role, "assistant");
  assert.match(retry.at(-1)!.content as string, /contains no JSON object/);
});

test("rubric: an out-of-range score counts as malformed; a judge that never complies costs exactly max_attempts calls", async () => {
  const judge = simJudge([{ match: ".", json: { reasoning: "great", score: 9 } }]);
  const ev = judgeEval({ kind: "judge_rubric", model: "sim", criteria: "x", max_attempts: 3 }, judge);
  const r = await ev.evaluate(c("Paris"));
  assert.equal(r.status, "error");
  assert.match(r.explanation, /no valid verdict after 3 attempts: .*score/);
  assert.equal(judge.calls, 3);
  assert.ok((r.cost_usd ?? 0) > 0);
});

test("pairwise: both orders are asked; a position-biased judge cancels out to ½ and is inconsistent", async () => {
  const alwaysA = simJudge([{ match: ".", json: { winner: "A" } }]);
  const ev = judgeEval({ kind: "judge_pairwise", model: "sim", criteria: "better" }, alwaysA);
  const r = scoredOf(await ev.evaluate(c("Paris", { expected: "Lyon" })));
  assert.equal(r.score, 0.5);
  assert.equal(r.label, "inconsistent");
  // The judge as it answered (model, system_fingerprint): what rows exported from the run cite.
  assert.deepEqual(r.details, { consistent: false, first: "win", second: "loss", judge_model: "sim", system_fingerprint: "sim-1" });
  assert.equal(alwaysA.calls, 2);
  const prompts = alwaysA.requests.map((q) => q.messages.at(-1)!.content as string);
  assert.ok(prompts.some((p) => /\[ANSWER A\]\nParis/.test(p)) && prompts.some((p) => /\[ANSWER A\]\nLyon/.test(p)), "positions swapped");
});

test("pairwise: a content-following judge is consistent; the baseline answer is preferred over expected", async () => {
  const judge = simJudge([
    { match: "\\[ANSWER A\\]\\nParis", json: { winner: "A" } },
    { match: "\\[ANSWER B\\]\\nParis", json: { winner: "B" } },
    { match: ".", json: { winner: "tie" } },
  ]);
  const ev = judgeEval({ kind: "judge_pairwise", model: "sim", criteria: "better" }, judge);
  const win = scoredOf(await ev.evaluate(c("Paris", { expected: "Lyon" })));
  assert.deepEqual([win.score, win.label, win.details?.consistent], [1, "win", true]);
  const loss = scoredOf(await ev.evaluate(c("Lyon", { expected: "ignored", baseline: "Paris" })));
  assert.deepEqual([loss.score, loss.label], [0, "loss"]);
  const tie = scoredOf(await ev.evaluate(c("Nice", { expected: "Lyon" })));
  assert.deepEqual([tie.score, tie.label, tie.passed], [0.5, "tie", true]);
  assert.deepEqual(combineOrders("win", "tie"), { score: 0.75, consistent: false, label: "inconsistent" });
  const none = await ev.evaluate(c("Paris"));
  assert.equal(none.status === "undefined" && none.reason, "no_reference");
});

test("correctness: correct 1, partially_correct ½, incorrect 0, against the reference", async () => {
  const judge = simJudge([
    { match: "\\[ANSWER\\]\\nParis\\n", json: { verdict: "correct" } },
    { match: "\\[ANSWER\\]\\nParis, or maybe", json: { verdict: "partially_correct", reasoning: "hedges" } },
    { match: ".", json: { verdict: "incorrect" } },
  ]);
  const ev = judgeEval({ kind: "judge_correctness", model: "sim" }, judge);
  const ref = { expected: "Paris" };
  assert.deepEqual([scoredOf(await ev.evaluate(c("Paris", ref))).score, scoredOf(await ev.evaluate(c("Paris", ref))).rating], [1, 2]);
  const partial = scoredOf(await ev.evaluate(c("Paris, or maybe Lyon", ref)));
  assert.deepEqual([partial.score, partial.label, partial.passed], [0.5, "partially_correct", false]);
  assert.equal(scoredOf(await ev.evaluate(c("Berlin", ref))).score, 0);
  assert.match(judge.requests[0].messages.at(-1)!.content as string, /\[REFERENCE\]\nParis/);
});

test("a judge that fails on the wire is an error result, not a throw", async () => {
  const judge = { calls: 0, requests: [], async complete() { throw new Error("HTTP 503"); } } as unknown as ReturnType<typeof simJudge>;
  const r = await judgeEval({ kind: "judge_correctness", model: "sim" }, judge).evaluate(c("Paris", { expected: "Paris" }));
  assert.equal(r.status, "error");
  assert.match(r.explanation, /judge call failed: HTTP 503/);
});

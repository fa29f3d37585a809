import { test } from "node:test";
import assert from "node:assert/strict";
import type { EvaluatorDeps } from "./spec.js";
import type { EvalCase, Evaluator } from "./types.js";

const REASONS = new Set(["no_reference", "no_output", "both_empty", "no_context", "empty_context", "no_claims", "no_relevant_context", "no_steps", "no_measurement", "not_applicable"]);

/** Cases every evaluator must survive: typical, empty, missing reference/context, hostile text. */
export const CONTRACT_CASES: readonly EvalCase[] = [
  {
    input: "What is the capital of France?", output: "Paris is the capital of France.", expected: "Paris is the capital of France.",
    context: ["Paris is the capital and largest city of France.", "Berlin is in Germany."], relevantContext: ["Paris is the capital and largest city of France."],
    toolCalls: [{ name: "lookup", arguments: { q: "France" } }], expectedToolCalls: [{ name: "lookup", arguments: { q: "France" } }],
    steps: [{ toolCall: { name: "lookup", arguments: { q: "France" } }, observation: "Paris" }, { content: "Paris is the capital of France." }],
    latencyMs: 120, costUsd: 0.0001,
  },
  { input: "Say nothing", output: "", expected: "" },
  { input: "No reference here", output: "Some answer." },
  { input: "Hostile", output: "\u0000 {\"a\": [1, 2} ✓ \uD83D\uDE00 ``` \n\n", expected: { a: 1 }, context: [] },
];

/**
 * The `Evaluator` contract (see types.ts), run against every kind by `evaluators.contract.test.ts`:
 *  - a result for every case, never a throw; scores finite in [0, 1], `passed` = score ≥ threshold;
 *  - undefined results carry a known reason, errors an explanation; every result is plain JSON;
 *  - the same case gives the same result;
 *  - an aborted signal makes it reject with the signal's reason, or resolve without I/O (no call
 *    to the judge or the embedder it was given, not even one that would throw).
 * `make` builds the evaluator from the deps it is handed: the contract wraps them to see the I/O.
 */
export function evaluatorContract(label: string, make: (deps: EvaluatorDeps) => Evaluator, deps: EvaluatorDeps): void {
  test(`${label}: identity and threshold`, () => {
    const ev = make(deps);
    assert.match(ev.name, /^[A-Za-z0-9_.-]+$/);
    assert.ok(ev.kind.length > 0);
    assert.ok(ev.threshold >= 0 && ev.threshold <= 1);
    if (ev.family === "judge") assert.match(ev.fingerprint ?? "", /^[0-9a-f]{16}$/, "judges have a fingerprint for calibration");
  });

  test(`${label}: a well-formed, JSON-clean, repeatable result for every contract case`, async () => {
    const ev = make(deps);
    for (const c of CONTRACT_CASES) {
      const r = await ev.evaluate(c);
      assert.deepEqual(JSON.parse(JSON.stringify(r)), r, "plain JSON");
      assert.ok(r.label.length > 0);
      assert.ok(r.explanation.length > 0);
      if (r.status === "scored") {
        assert.ok(Number.isFinite(r.score) && r.score >= 0 && r.score <= 1, `score ${r.score}`);
        assert.equal(r.passed, r.score >= ev.threshold);
      } else if (r.status === "undefined") {
        assert.ok(REASONS.has(r.reason), `reason ${r.reason}`);
      }
      if (r.cost_usd !== undefined) assert.ok(r.cost_usd >= 0);
      assert.deepEqual(await ev.evaluate(c), r, "deterministic for the same case");
    }
  });

  test(`${label}: an aborted signal rejects with its reason or resolves without I/O`, async () => {
    await checkAbort(make, deps);
  });
}

/** Counts every call an evaluator makes to its deps, made or attempted. */
export function countingDeps(deps: EvaluatorDeps): { deps: EvaluatorDeps; calls: () => number } {
  let n = 0;
  const judge = deps.judge;
  const embedder = deps.embedder;
  return {
    deps: {
      ...(judge ? { judge: { complete: (req, signal) => (n++, judge.complete(req, signal)) } } : {}),
      ...(embedder ? { embedder: { model: embedder.model, dimensions: embedder.dimensions, maxInputChars: embedder.maxInputChars, embed: (texts, signal) => (n++, embedder.embed(texts, signal)) } } : {}),
    },
    calls: () => n,
  };
}

/**
 * The abort rule, apart from `node:test` so its own test can show it fails an evaluator that
 * ignores the signal: evaluating with an already-aborted signal either rejects with exactly the
 * signal's reason, or resolves having called neither judge nor embedder.
 */
export async function checkAbort(make: (deps: EvaluatorDeps) => Evaluator, deps: EvaluatorDeps): Promise<void> {
  const io = countingDeps(deps);
  const ev = make(io.deps);
  const ac = new AbortController();
  const reason = new Error("stop");
  ac.abort(reason);
  let settled: { ok: true } | { ok: false; err: unknown };
  try {
    await ev.evaluate(CONTRACT_CASES[0], ac.signal);
    settled = { ok: true };
  } catch (err) {
    settled = { ok: false, err };
  }
  if (settled.ok) assert.equal(io.calls(), 0, `${ev.kind} resolved after an abort but called its judge or embedder ${io.calls()} time(s)`);
  else assert.equal(settled.err, reason, `${ev.kind} rejected after an abort with something other than the signal's reason`);
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { simJudge } from "../../testing/sim-clients.js";
import { buildEvaluators, evaluatorConfigSchema, type EvaluatorConfigInput } from "../registry.js";

const CONTEXT = ["The Eiffel Tower is 330 metres tall.", "It opened to the public in 1889. Source: https://example.org/history"];
const ev = (cfg: EvaluatorConfigInput, judge = simJudge([])) => buildEvaluators([evaluatorConfigSchema.parse(cfg)], { judge })[0];

test("citation_precision: supported / cited, fabricated share in details", async () => {
  const r = await ev({ kind: "citation_precision" }).evaluate({
    input: "Tell me about the tower.",
    output: "The Eiffel Tower is 330 metres tall [1]. It opened to the public in 1889 (https://example.org/history). It was built in 1925 [2]. It is blue [5].",
    context: CONTEXT,
  });
  assert.equal(r.status, "scored");
  if (r.status !== "scored") return;
  assert.equal(r.score, 0.5);
  assert.equal((r.details as { fabricated_share: number }).fabricated_share, 0.25);
  assert.deepEqual((r.details as { citations: { verdict: string }[] }).citations.map((c) => c.verdict), ["supported", "supported", "unsupported", "fabricated"]);
});

test("citation_precision: no context and no citations are undefined, not scored", async () => {
  const e = ev({ kind: "citation_precision" });
  assert.equal((await e.evaluate({ input: "q", output: "It is tall [1]." })).status, "undefined");
  const r = await e.evaluate({ input: "q", output: "It is tall.", context: CONTEXT });
  assert.equal(r.status === "undefined" && r.reason, "no_claims");
});

test("citation_precision (judge): the sim judge decides support", async () => {
  const judge = simJudge([{ match: "STATEMENTS", json: { supported: [false] } }]);
  const r = await ev({ kind: "citation_precision", method: "judge", model: "sim" }, judge).evaluate({ input: "q", output: "The Eiffel Tower is 330 metres tall [1].", context: CONTEXT });
  assert.equal(r.status === "scored" && r.score, 0);
  assert.equal(judge.calls, 1);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatMessage } from "../../api/chat-types.js";
import { simJudge } from "../testing/sim-clients.js";
import { referenceVerdicts, stepsFromMessages, trajectoryScore } from "./agent-steps.js";
import { buildEvaluators, evaluatorConfigSchema } from "./registry.js";
import type { AgentStep } from "./types.js";

const STEPS: AgentStep[] = [
  { toolCall: { name: "search_orders", arguments: { user: "u1" } }, observation: "order 42: damaged" },
  { toolCall: { name: "delete_account", arguments: { user: "u1" } }, observation: "deleted" },
  { content: "I have refunded your order." },
];

test("trajectory score = good steps before the first bad one / steps", () => {
  assert.deepEqual(trajectoryScore([{ step: 1, good: true, reason: "" }, { step: 2, good: false, reason: "" }], 3), { score: 1 / 3, firstBad: 2 });
  assert.deepEqual(trajectoryScore([{ step: 1, good: false, reason: "" }], 3), { score: 0, firstBad: 1 });
  assert.deepEqual(trajectoryScore([{ step: 1, good: true, reason: "" }], 1), { score: 1, firstBad: null });
  // a missing fourth step (reference mode) after three good ones: 3 / 4
  assert.deepEqual(trajectoryScore([1, 2, 3].map((s) => ({ step: s, good: true, reason: "" })).concat({ step: 4, good: false, reason: "" }), 3), { score: 0.75, firstBad: 4 });
});

test("steps come from an OpenAI conversation: assistant turns with their tool results", () => {
  const messages: ChatMessage[] = [
    { role: "user", content: "Refund my damaged order" },
    { role: "assistant", content: "Looking it up.", tool_calls: [{ id: "c1", type: "function", function: { name: "search_orders", arguments: '{"user":"u1"}' } }] },
    { role: "tool", tool_call_id: "c1", content: "order 42: damaged" },
    { role: "assistant", content: "Refunded." },
  ];
  assert.deepEqual(stepsFromMessages(messages), [
    { content: "Looking it up.", toolCall: { name: "search_orders", arguments: { user: "u1" } }, observation: "order 42: damaged" },
    { content: "Refunded." },
  ]);
});

test("reference mode: the second call is wrong, so step 2 is the first bad step", async () => {
  const expected = [{ name: "search_orders", arguments: { user: "u1" } }, { name: "refund", arguments: { order: 42 } }];
  assert.deepEqual(referenceVerdicts(STEPS, expected).map((v) => v.good), [true, false, true]);
  const [ev] = buildEvaluators([evaluatorConfigSchema.parse({ kind: "agent_steps", method: "reference" })], {});
  const r = await ev.evaluate({ input: "Refund my damaged order", output: "", steps: STEPS, expectedToolCalls: expected });
  assert.equal(r.status, "scored");
  if (r.status !== "scored") return;
  assert.equal(r.score, 1 / 3);
  assert.equal(r.label, "bad_step_2");
  assert.match(r.explanation, /first bad step: 2 — expected refund/);
});

test("judge mode: the sim judge flags the destructive step; judging stops at the first bad step", async () => {
  const judge = simJudge([
    { match: "\\[STEP 2\\]\\ncalls delete_account", json: { verdict: "bad", reasoning: "deleting the account does not refund" } },
    { match: ".", json: { verdict: "good" } },
  ]);
  const [ev] = buildEvaluators([evaluatorConfigSchema.parse({ kind: "agent_steps", model: "sim" })], { judge });
  const r = await ev.evaluate({ input: "Refund my damaged order", output: "", steps: STEPS });
  assert.equal(r.status, "scored");
  if (r.status !== "scored") return;
  assert.equal(r.label, "bad_step_2");
  assert.equal(r.score, 1 / 3);
  assert.equal(judge.calls, 2, "step 3 is not judged");
  assert.match(judge.requests[1].messages.at(-1)!.content as string, /\[PREVIOUS STEPS\]\nStep 1:\ncalls search_orders/);
  const none = await ev.evaluate({ input: "x", output: "" });
  assert.equal(none.status === "undefined" && none.reason, "no_steps");
});

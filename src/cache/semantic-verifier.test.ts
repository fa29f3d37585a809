import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatCompletion } from "../api/chat-types.js";
import { agreement, normaliseAnswer } from "./answer-agreement.js";
import { SemanticVerifier, type VerifyJob, type VerifyResult } from "./semantic-verifier.js";

const answer = (content: string | null, tool?: { name: string; arguments: string }): ChatCompletion => ({
  id: "x", object: "chat.completion", created: 1, model: "m",
  choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content, ...(tool ? { tool_calls: [{ id: "t", type: "function", function: tool }] } : {}) } }],
}) as ChatCompletion;
const job = (served: string): VerifyJob => ({ requestId: "req_1", key: "k".repeat(64), context: "c", similarity: 0.95, routeThreshold: 0.9, body: {}, model: "m", served: answer(served) });

test("the agreement rule: short answers normalised-equal, tool calls by name and parsed arguments, long ones by embedding", () => {
  assert.equal(normaliseAnswer("  Yes,  we ARE open. "), "yes, we are open");
  assert.deepEqual(agreement(answer("Yes."), answer("yes")), { kind: "exact", agree: true });
  assert.deepEqual(agreement(answer("Yes."), answer("No.")), { kind: "exact", agree: false });
  assert.deepEqual(agreement(answer(null, { name: "f", arguments: '{"a":1,"b":2}' }), answer(null, { name: "f", arguments: '{"b":2, "a":1}' })), { kind: "exact", agree: true });
  assert.deepEqual(agreement(answer(null, { name: "f", arguments: "{}" }), answer("f")), { kind: "exact", agree: false });
  const long = "We are open from nine in the morning to five in the evening on weekdays.";
  assert.equal(agreement(answer(long), answer(`${long} Welcome!`)).kind, "similarity");
});

test("re-asks run off the caller's path, bounded: a full queue drops (counted), outcomes and the Wilson interval are counted", async () => {
  const results: VerifyResult[] = [];
  let falseHits = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const v = new SemanticVerifier({ sample: 0.5, concurrency: 1, queue: 1, agreement: 0.9, timeoutMs: 5000 }, {
    async ask(j) {
      await gate;
      return { completion: answer(j.served.choices[0].message.content === "Yes." ? "yes" : "Something else"), done: (r) => results.push(r) };
    },
    similarity: async () => 0.5,
    onFalseHit: () => void falseHits++,
  }, () => 0.4);
  assert.equal(v.sampled(), true, "0.4 < 0.5");
  assert.equal(v.enqueue(job("Yes.")), true);
  assert.equal(v.enqueue(job("No.")), true);
  assert.equal(v.enqueue(job("Maybe.")), false, "one running + one waiting: full");
  assert.equal(v.counts.dropped, 1);
  release();
  await v.idle();
  assert.deepEqual([v.counts.match, v.counts.mismatch, falseHits], [1, 1, 1]);
  assert.deepEqual(results.map((r) => r.outcome), ["match", "mismatch"]);
  const e = v.estimate();
  assert.equal(e.rate, 0.5);
  assert.ok(e.lower95! < 0.5 && e.upper95! > 0.5);
  const never = new SemanticVerifier({ sample: 0, concurrency: 1, queue: 0, agreement: 0.9, timeoutMs: 1 }, { ask: () => Promise.reject(new Error("x")), similarity: async () => 1, onFalseHit: () => {} });
  assert.equal(never.sampled(), false);
  assert.equal(never.estimate().rate, null);
});

test("a failed re-ask is an error, not a false hit", async () => {
  let falseHits = 0;
  const v = new SemanticVerifier({ sample: 1, concurrency: 2, queue: 2, agreement: 0.9, timeoutMs: 5000 }, { ask: () => Promise.reject(new Error("upstream down")), similarity: async () => 1, onFalseHit: () => void falseHits++, onError: () => {} });
  v.enqueue(job("Yes."));
  await v.idle();
  assert.deepEqual([v.counts.error, v.counts.mismatch, falseHits], [1, 0, 0]);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { budgetsSchema, limitsSchema } from "./limits-schema.js";
import { type CallInput, Planner } from "./plan.js";
import { compileRules } from "./rules.js";

const NOW = Date.UTC(2026, 10, 29, 15, 30);
const price = { input: 1, output: 2 };

const planCall = (r: ReturnType<typeof rules>, c: CallInput, now: number) => new Planner(r).plan(c, now);

function rules(limits: unknown, budgets: unknown = {}) {
  return compileRules(limitsSchema.parse(limits), budgetsSchema.parse(budgets));
}
function call(over: Partial<CallInput["attrs"]> = {}, rest: Partial<CallInput> = {}): CallInput {
  return {
    attrs: { key: "key_a", user: null, team: "t1", feature: null, model: "gpt-4o", ...over },
    keyLimits: null, promptTokens: () => 100, outputTokens: 50, price, ...rest,
  };
}

test("no rules and no key limits: nothing to check, nothing counted", () => {
  let counted = 0;
  assert.equal(planCall(rules({}), call({}, { promptTokens: () => ++counted }), NOW), null);
  assert.equal(counted, 0);
});

test("a rule's scope picks its counter; rpm, tpm and concurrency become checks", () => {
  const p = planCall(rules({ rules: [{ scope: ["key", "model"], rpm: 60, tpm: 1000, concurrency: 4 }] }), call(), NOW)!;
  assert.deepEqual(p.rates.map((r) => [r.id, r.limit, r.cost, r.unit]), [
    ["key+model|key_a|gpt-4o|rpm", 60, 1, "requests"],
    ["key+model|key_a|gpt-4o|tpm", 1000, 150, "tokens"],
  ]);
  assert.deepEqual(p.concurrency.map((c) => [c.id, c.max]), [["key+model|key_a|gpt-4o", 4]]);
  assert.equal(p.estimate!.tokens, 150);
});

test("prompt tokens are counted only when a tokens limit or budget needs them", () => {
  let counted = 0;
  const p = planCall(rules({ rules: [{ scope: ["key"], rpm: 10 }] }), call({}, { promptTokens: () => ++counted }), NOW)!;
  assert.equal(p.rates.length, 1);
  assert.equal(counted, 0);
  assert.equal(p.estimate, null);
});

test("match restricts a rule; a missing scope attribute skips it", () => {
  const r = rules({
    rules: [
      { name: "gpt4o-only", scope: ["key"], match: { model: ["gpt-4o", "gpt-4.1"] }, rpm: 5 },
      { name: "per-user", scope: ["user"], rpm: 7 },
      { name: "checkout", scope: ["feature"], match: { feature: "checkout" }, rpm: 9 },
    ],
  });
  const ids = (c: CallInput): string[] => planCall(r, c, NOW)?.rates.map((x) => x.id) ?? [];
  assert.deepEqual(ids(call()), ["gpt4o-only|key_a|rpm"]);
  assert.deepEqual(ids(call({ model: "o3", user: "u1" })), ["per-user|u1|rpm"]);
  assert.deepEqual(ids(call({ model: "o3", feature: "checkout" })), ["checkout|checkout|rpm"]);
  assert.deepEqual(ids(call({ model: "o3", feature: "search" })), []);
});

test("a key's own limits replace the per-key rule's values, or form a rule of their own", () => {
  const withRule = rules({ rules: [{ scope: ["key"], rpm: 60, tpm: 10_000 }] });
  const p = planCall(withRule, call({}, { keyLimits: { rpm: 600 } }), NOW)!;
  assert.deepEqual(p.rates.map((x) => [x.id, x.limit]), [["key|key_a|rpm", 600], ["key|key_a|tpm", 10_000]]);
  const none = rules({ rules: [{ scope: ["model"], rpm: 1000 }] });
  const q = planCall(none, call({}, { keyLimits: { max_concurrency: 2, daily_usd: 5 } }), NOW)!;
  assert.deepEqual(q.concurrency.map((c) => [c.id, c.max]), [["key|key_a", 2]]);
  assert.deepEqual(q.budgets.map((b) => [b.id, b.limit]), [["key|key_a|2026-11-29", 5e9]]);
});

test("budgets: a counter per UTC day and month, the estimate at the model's price, soft at the threshold", () => {
  const r = rules({}, { soft_threshold: 0.5, rules: [{ scope: ["team"], daily_usd: 10, monthly_usd: 100 }, { scope: ["feature"], daily_usd: 1, soft_threshold: 0.9 }] });
  const p = planCall(r, call(), NOW)!;
  assert.deepEqual(p.budgets.map((b) => [b.id, b.limit, b.cost, b.soft, new Date(b.window.endsAt).toISOString()]), [
    ["team|t1|2026-11-29", 10e9, 200_000, 5e9, "2026-11-30T00:00:00.000Z"],
    ["team|t1|2026-11", 100e9, 200_000, 50e9, "2026-12-01T00:00:00.000Z"],
  ]);
  // 100 prompt tokens at $1/M + 50 completion tokens at $2/M = $0.0002 = 200,000 nano-USD; the
  // feature budget does not apply: the call has no feature.
});

test("rule names default to the scope; duplicates are a config error naming the path", () => {
  assert.equal(rules({ rules: [{ scope: ["key", "model"], rpm: 1 }] }).rates[0].name, "key+model");
  const bad = limitsSchema.safeParse({ rules: [{ scope: ["key"], rpm: 1 }, { scope: ["key"], tpm: 1 }] });
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error!.issues[0].path, ["rules", 1, "name"]);
  assert.equal(limitsSchema.safeParse({ rules: [{ scope: ["key"] }] }).success, false);
  assert.equal(limitsSchema.safeParse({ rules: [{ scope: ["key", "key"], rpm: 1 }] }).success, false);
  assert.equal(limitsSchema.safeParse({ rules: [{ scope: ["tenant"], rpm: 1 }] }).success, false);
});

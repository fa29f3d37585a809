import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../errors/errors.js";
import { silentLogger } from "../observe/log.js";
import type { LimitBackend } from "./backend.js";
import type { BudgetEvent } from "./budget-events.js";
import { Limiter, type LimitTicket } from "./limiter.js";
import { budgetsSchema, limitsSchema } from "./limits-schema.js";
import { MemoryBackend } from "./memory-backend.js";
import type { CallInput } from "./plan.js";
import { compileRules } from "./rules.js";

const T0 = Date.UTC(2026, 10, 29, 23, 0);

function setup(limits: unknown, budgets: unknown = {}, backend: LimitBackend = new MemoryBackend(), onBackendError: "closed" | "open" = "closed") {
  let now = T0;
  const events: BudgetEvent[] = [];
  const limiter = new Limiter({
    rules: compileRules(limitsSchema.parse(limits), budgetsSchema.parse(budgets)),
    backend, events: { record: (e) => events.push(e) }, log: silentLogger, onBackendError, leaseTtlMs: 60_000, clock: () => now,
  });
  let n = 0;
  const admit = (c: Partial<CallInput> = {}): LimitTicket => {
    const t = limiter.admit({ attrs: { key: "key_a", user: "u1", team: "growth", feature: null, model: "sim" }, keyLimits: null, promptTokens: () => 100, outputTokens: 100, price: { input: 1, output: 2 }, ...c }, `req_${++n}`);
    assert.ok(!(t instanceof Promise), "the memory backend answers synchronously");
    return t;
  };
  return { limiter, events, admit, advance: (ms: number) => (now += ms) };
}

function refusal(fn: () => unknown): KeelError {
  try {
    fn();
  } catch (e) {
    if (e instanceof KeelError) return e;
    throw e;
  }
  assert.fail("expected a refusal");
}

test("a 429 names the limit, its scope and value, with Retry-After and x-ratelimit headers", () => {
  const s = setup({ rules: [{ name: "per-key", scope: ["key"], rpm: 2 }] });
  const t = s.admit();
  assert.deepEqual(t.headers, { "x-ratelimit-limit-requests": "2", "x-ratelimit-remaining-requests": "1", "x-ratelimit-reset-requests": "30s" });
  s.admit();
  const e = refusal(() => s.admit());
  assert.equal(e.code, "rate_limited");
  assert.equal(e.status, 429);
  assert.match(e.message, /requests per minute \(limit "per-key", key=key_a\): limit 2\. Try again in 30\.0s/);
  assert.equal(e.retryAfter, 30);
  assert.equal(e.headers!["x-ratelimit-remaining-requests"], "0");
  assert.equal(e.headers!["x-ratelimit-reset-requests"], "1m0s");
});

test("tokens: the 429 says what was requested and how to need less; too large says it never fits", () => {
  const s = setup({ rules: [{ scope: ["key", "model"], tpm: 500 }] });
  s.admit();
  const e = refusal(() => s.admit({ promptTokens: () => 250 }));
  assert.match(e.message, /tokens per minute \(limit "key\+model", key=key_a, model=sim\): limit 500, remaining 300, requested 350 \(prompt 250 \+ up to 100 completion tokens\)/);
  assert.ok(e.retryAfter! > 0);
  const big = refusal(() => s.admit({ outputTokens: 1000 }));
  assert.match(big.message, /Request too large for tokens per minute .* limit 500, requested 1100/);
  assert.equal(big.retryAfter, undefined);
});

test("settle refunds unused tokens at once and releases concurrency", () => {
  const s = setup({ rules: [{ scope: ["key"], tpm: 400, concurrency: 1 }] });
  const t = s.admit();
  refusal(() => s.admit());
  s.limiter.settle(t, { tokens: 120, costUsd: 0.0001 });
  const t2 = s.admit();
  assert.equal(t2.headers!["x-ratelimit-remaining-tokens"], "80");
  s.limiter.settle(t2, { tokens: null, costUsd: null });
  // unknown usage keeps the reservation: 400 − 120 − 200 leaves 80, too little for 200 more
  refusal(() => s.admit());
});

test("the tightest limit fills the headers; the longest wait is the one reported", () => {
  const s = setup({ rules: [{ name: "wide", scope: ["model"], rpm: 100 }, { name: "narrow", scope: ["key"], rpm: 3 }, { name: "user", scope: ["user"], rpm: 1 }] });
  const t = s.admit();
  assert.equal(t.headers!["x-ratelimit-limit-requests"], "1");
  const e = refusal(() => s.admit());
  assert.match(e.message, /limit "user", user=u1/);
});

test("budgets: soft event once, then a 429 budget_exceeded naming the budget and its reset, with one exhausted event", async () => {
  const s = setup({}, { soft_threshold: 0.5, rules: [{ name: "growth-daily", scope: ["team"], daily_usd: 0.001 }] });
  // each call reserves (100·1 + 100·2)/1e6 = $0.0003 and costs $0.0002
  for (let i = 0; i < 4; i++) s.limiter.settle(s.admit(), { tokens: 150, costUsd: 0.0002 });
  assert.deepEqual(s.events.map((e) => [e.kind, e.budget, e.scope, e.period, e.periodId, e.spentUsd]), [
    ["soft_threshold", "growth-daily", { team: "growth" }, "day", "2026-11-29", 0.0006],
  ]);
  const e = refusal(() => s.admit());
  assert.equal(e.code, "budget_exceeded");
  assert.equal(e.status, 429);
  assert.equal(e.type, "insufficient_quota");
  assert.match(e.message, /Daily budget exceeded \(budget "growth-daily", team=growth\): limit \$0\.001, spent \$0\.0008; this call may cost up to \$0\.0003\. The budget resets at 2026-11-30T00:00:00Z\./);
  assert.equal(e.retryAfter, 3600);
  refusal(() => s.admit());
  assert.deepEqual(s.events.map((x) => x.kind), ["soft_threshold", "exhausted"]);
  s.advance(3_600_000);
  s.admit();
});

test("a key's own budget applies to that key only", () => {
  const s = setup({}, {});
  const own = { daily_usd: 0.0005 };
  s.limiter.settle(s.admit({ keyLimits: own }), { tokens: 1, costUsd: 0.0004 });
  assert.equal(refusal(() => s.admit({ keyLimits: own })).code, "budget_exceeded");
  s.admit({ attrs: { key: "key_b", user: null, team: null, feature: null, model: "sim" } });
});

test("Redis down: fail closed with 503 limits_unavailable, or open without limits", async () => {
  const broken: LimitBackend = {
    kind: "redis",
    admit: () => Promise.reject(new Error("Connection is closed.")),
    settle: () => Promise.reject(new Error("Connection is closed.")),
    seedBudgets: async () => {},
    close: async () => {},
  };
  const rules = { rules: [{ scope: ["key"], rpm: 1 }] };
  const closed = setup(rules, {}, broken, "closed");
  const call = { attrs: { key: "k", user: null, team: null, feature: null, model: "sim" }, keyLimits: null, promptTokens: () => 1, outputTokens: 1, price: null };
  await assert.rejects(Promise.resolve(closed.limiter.admit(call, "r1")), (e: unknown) => e instanceof KeelError && e.code === "limits_unavailable" && e.status === 503 && e.retryAfter === 1);
  const open = setup(rules, {}, broken, "open");
  const t = await open.limiter.admit(call, "r2");
  assert.equal(t.plan, null, "admitted unchecked");
  open.limiter.settle(t, { tokens: 1, costUsd: 0 });
});

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { judge } from "./evaluate.js";
import { signPayload } from "./notifier.js";
import { alertRuleSchema } from "./rule-schema.js";
import { initialState, step } from "./state-machine.js";

const base = { name: "errors", owner: "oncall@example.com", metric: "error_rate", threshold: { op: ">", value: 0.1 }, min_samples: 10, notify: { log: true } };

test("a rule without an owner or a notification target is refused", () => {
  const { owner: _o, ...noOwner } = base;
  const r = alertRuleSchema.safeParse(noOwner);
  assert.equal(r.success, false);
  assert.deepEqual(r.error!.issues[0].path, ["owner"]);
  assert.equal(alertRuleSchema.safeParse({ ...base, owner: "  " }).success, false);
  assert.equal(alertRuleSchema.safeParse({ ...base, notify: { log: false } }).success, false);
  assert.equal(alertRuleSchema.safeParse({ ...base, notify: undefined }).success, false);
  assert.equal(alertRuleSchema.safeParse({ ...base, change: { direction: "up", by: 0.2 } }).success, false, "threshold or change, not both");
  assert.equal(alertRuleSchema.safeParse({ ...base, metric: "score_mean" }).success, false, "score_mean names its score");
  assert.ok(alertRuleSchema.safeParse(base).success);
});

test("thresholds, relative change against a baseline, and minimum samples", () => {
  const t = alertRuleSchema.parse(base);
  assert.equal(judge(t, { value: 0.2, samples: 50 }).kind, "breached");
  assert.equal(judge(t, { value: 0.05, samples: 50 }).kind, "clear");
  assert.equal(judge(t, { value: 0.9, samples: 5 }).kind, "no_data");
  const c = alertRuleSchema.parse({ ...base, threshold: undefined, metric: "score_mean", score: "helpfulness", change: { direction: "down", by: 0.2 } });
  assert.equal(judge(c, { value: 0.6, samples: 30 }, { value: 0.9, samples: 30 }).kind, "breached", "0.9 → 0.6 is −33 %");
  assert.equal(judge(c, { value: 0.85, samples: 30 }, { value: 0.9, samples: 30 }).kind, "clear");
  assert.equal(judge(c, { value: 0.1, samples: 30 }, { value: 0.9, samples: 3 }).kind, "no_data", "a thin baseline says nothing");
});

test("pending → firing → resolved; one transition per episode; no data keeps the state", () => {
  const hit = { kind: "breached", value: 1, baseline: null, samples: 20 } as const;
  const ok = { kind: "clear", value: 0, baseline: null, samples: 20 } as const;
  let s = initialState(0);
  let r = step(s, hit, 1000, 60_000);
  assert.equal(r.next.status, "pending");
  assert.equal(r.transition, null);
  r = step(r.next, { kind: "no_data", samples: 2 }, 30_000, 60_000);
  assert.equal(r.next.status, "pending");
  r = step(r.next, hit, 61_000, 60_000);
  assert.equal(r.next.status, "firing");
  assert.equal(r.transition, "firing");
  assert.equal(r.next.episode, 1000);
  r = step(r.next, hit, 120_000, 60_000);
  assert.equal(r.transition, null, "still firing: no second notification");
  r = step(r.next, ok, 180_000, 60_000);
  assert.equal(r.next.status, "resolved");
  assert.equal(r.transition, "resolved");
  assert.equal(r.next.episode, 1000, "the resolution carries the episode it ends");
  s = step(initialState(0), hit, 5, 60_000).next;
  assert.equal(step(s, ok, 10, 60_000).next.status, "ok", "a pending alert that clears never notifies");
  assert.equal(step(initialState(0), hit, 5, 0).transition, "firing", "for_s 0 fires at once");
});

test("webhook signatures are HMAC-SHA256 over timestamp and body", () => {
  // Receivers verify with any HMAC library: openssl dgst -sha256 -hmac key <<< -n "1700000000.{}".
  assert.equal(signPayload("key", 1700000000, "{}"), `sha256=${createHmac("sha256", "key").update("1700000000.{}").digest("hex")}`);
  assert.match(signPayload("key", 1, "{}"), /^sha256=[0-9a-f]{64}$/);
  assert.notEqual(signPayload("key", 1, "{}"), signPayload("key", 2, "{}"));
});

test("keel.yaml refuses an alert rule without an owner at load", async () => {
  const { loadConfig } = await import("../config/load.js");
  assert.throws(() => loadConfig({ inline: { alerts: { rules: [{ ...base, owner: undefined }] } }, env: {} }), /owner/);
  const ok = loadConfig({ inline: { alerts: { rules: [base] } }, env: {} });
  assert.equal(ok.alerts.rules[0].owner, "oncall@example.com");
});

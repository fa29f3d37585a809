import { test } from "node:test";
import assert from "node:assert/strict";
import type { AlertStore, NewNotification } from "./alert-store.js";
import { type AlertRule, alertRuleSchema } from "./rule-schema.js";
import type { AlertState } from "./state-machine.js";

const rule = (name: string, value = 0.1): AlertRule =>
  alertRuleSchema.parse({ name, owner: "oncall@example.com", metric: "error_rate", threshold: { op: ">", value }, min_samples: 10, notify: { log: true } });
const state = (over: Partial<AlertState> = {}): AlertState => ({
  status: "firing", since: 100, episode: 100, value: 0.3, baseline: null, samples: 40, ackedBy: null, silencedUntil: null, ...over,
});
const note = (over: Partial<NewNotification> = {}): NewNotification => ({ rule: "errors", episode: 1, type: "alert.firing", at: 10, silenced: false, owner: "oncall", ...over });

/** The `AlertStore` contract (`sqlite-alert-store.test.ts`); every call is awaited. */
export function alertStoreContract(label: string, make: () => AlertStore | Promise<AlertStore>): void {
  test(`${label}: API rules are upserted by name, listed by name, deleted once`, async () => {
    const s = await make();
    await s.putRule(rule("latency"), 1);
    await s.putRule(rule("errors"), 2);
    await s.putRule(rule("errors", 0.5), 3);
    const rules = await s.apiRules();
    assert.deepEqual(rules.map((r) => r.name), ["errors", "latency"]);
    assert.equal(rules[0].threshold!.value, 0.5, "the second put replaced the rule");
    assert.equal(await s.deleteRule("errors"), true);
    assert.equal(await s.deleteRule("errors"), false);
    assert.deepEqual((await s.apiRules()).map((r) => r.name), ["latency"]);
  });

  test(`${label}: a rule's state round-trips and is replaced`, async () => {
    const s = await make();
    assert.equal(await s.state("errors"), undefined);
    await s.putState("errors", state());
    assert.deepEqual(await s.state("errors"), state());
    await s.putState("errors", state({ status: "resolved", ackedBy: "ana", silencedUntil: 900 }));
    assert.deepEqual(await s.state("errors"), state({ status: "resolved", ackedBy: "ana", silencedUntil: 900 }));
  });

  test(`${label}: a notification is recorded once per (rule, episode, type), pending or not_sent when silenced`, async () => {
    const s = await make();
    const id = await s.addNotification(note());
    assert.ok(id);
    assert.equal(await s.addNotification(note({ at: 11 })), null);
    const resolved = await s.addNotification(note({ type: "alert.resolved", at: 20, silenced: true }));
    assert.ok(resolved && resolved !== id, "each notification has its own delivery id");
    assert.deepEqual(await s.notification(id!), {
      rule: "errors", episode: 1, type: "alert.firing", at: 10, silenced: false, owner: "oncall", delivery_id: id,
      delivery_status: "pending", attempts: 0, last_http_status: null, last_error: null, delivery_updated_at: 10,
    });
    const silenced = (await s.notification(resolved!))!;
    assert.equal(silenced.delivery_status, "not_sent");
    assert.equal(silenced.silenced, true);
    assert.equal(await s.notification("00000000-0000-0000-0000-000000000000"), undefined);
  });

  test(`${label}: delivery outcomes move forward and a settled one is never reopened`, async () => {
    const s = await make();
    const id = (await s.addNotification(note()))!;
    await s.updateDelivery(id, { status: "retrying", attempts: 1, last_http_status: 503, last_error: "HTTP 503", at: 20 });
    assert.equal((await s.notification(id))!.delivery_status, "retrying");
    await s.updateDelivery(id, { status: "delivered", attempts: 2, last_http_status: 200, last_error: null, at: 30 });
    await s.updateDelivery(id, { status: "retrying", attempts: 3, last_http_status: 500, last_error: "late", at: 40 });
    const n = (await s.notification(id))!;
    assert.deepEqual([n.delivery_status, n.attempts, n.last_http_status, n.last_error, n.delivery_updated_at], ["delivered", 2, 200, null, 30]);
  });

  test(`${label}: notifications list newest first, per rule or all, bounded by the limit`, async () => {
    const s = await make();
    await s.addNotification(note({ rule: "a", episode: 1, at: 10 }));
    await s.addNotification(note({ rule: "b", episode: 1, at: 30 }));
    await s.addNotification(note({ rule: "a", episode: 2, at: 20 }));
    await s.addNotification(note({ rule: "a", episode: 3, at: 20 }));
    assert.deepEqual((await s.notifications(null, 10)).map((n) => `${n.rule}${n.episode}`), ["b1", "a3", "a2", "a1"], "same time: the later insert first");
    assert.deepEqual((await s.notifications("a", 2)).map((n) => n.episode), [3, 2]);
    assert.deepEqual(await s.notifications("none", 10), []);
  });
}

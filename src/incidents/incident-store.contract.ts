import { test } from "node:test";
import assert from "node:assert/strict";
import { type AlertRule, alertRuleSchema } from "../alerts/rule-schema.js";
import type { Incident, IncidentStore } from "./incident-store.js";

const rule = (name: string): AlertRule =>
  alertRuleSchema.parse({ name, owner: "oncall@example.com", metric: "error_rate", threshold: { op: ">", value: 0.1 }, min_samples: 10, notify: { log: true } });
const inc = (id: string, name: string, episode: number, firedAt: number): Omit<Incident, "resolved_at"> => ({
  id, rule: rule(name), episode, fired_at: firedAt, value: 0.4, baseline: 0.05, samples: 80,
});

/** The `IncidentStore` contract (`sqlite-incident-store.test.ts`); every call is awaited. */
export function incidentStoreContract(label: string, make: () => IncidentStore | Promise<IncidentStore>): void {
  test(`${label}: one incident per (rule, episode): opening again returns the first id`, async () => {
    const s = await make();
    assert.equal(await s.open(inc("inc_a", "errors", 1, 100)), "inc_a");
    assert.equal(await s.open(inc("inc_b", "errors", 1, 150)), "inc_a");
    assert.equal(await s.open(inc("inc_c", "errors", 2, 200)), "inc_c");
    assert.equal(await s.open(inc("inc_d", "latency", 1, 100)), "inc_d");
    assert.deepEqual(await s.get("inc_a"), { ...inc("inc_a", "errors", 1, 100), resolved_at: null });
    assert.equal(await s.get("inc_b"), undefined);
  });

  test(`${label}: resolving sets the time once and returns the id; unknown episodes return null`, async () => {
    const s = await make();
    await s.open(inc("inc_a", "errors", 1, 100));
    assert.equal(await s.resolve("errors", 1, 500), "inc_a");
    assert.equal(await s.resolve("errors", 1, 900), "inc_a");
    assert.equal((await s.get("inc_a"))!.resolved_at, 500, "the first resolution stands");
    assert.equal(await s.resolve("errors", 7, 500), null);
    assert.equal(await s.resolve("nope", 1, 500), null);
  });

  test(`${label}: list is newest fired first, bounded by the limit`, async () => {
    const s = await make();
    await s.open(inc("inc_1", "a", 1, 300));
    await s.open(inc("inc_2", "b", 1, 100));
    await s.open(inc("inc_3", "c", 1, 200));
    assert.deepEqual((await s.list(10)).map((i) => i.id), ["inc_1", "inc_3", "inc_2"]);
    assert.deepEqual((await s.list(2)).map((i) => i.id), ["inc_1", "inc_3"]);
  });
}

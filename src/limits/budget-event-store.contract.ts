import { test } from "node:test";
import assert from "node:assert/strict";
import type { BudgetEvent, BudgetEventStore } from "./budget-events.js";

const ev = (at: number, over: Partial<BudgetEvent> = {}): BudgetEvent => ({
  at, kind: "soft_threshold", budget: "team-monthly", scope: { team: "growth" }, period: "month", periodId: "2026-11", limitUsd: 100, spentUsd: 80.5, ...over,
});

/** The `BudgetEventStore` contract (`sqlite-budget-event-store.test.ts`); every call is awaited. */
export function budgetEventStoreContract(label: string, make: () => BudgetEventStore | Promise<BudgetEventStore>): void {
  test(`${label}: events round-trip and list newest first from a time, bounded by the limit`, async () => {
    const s = await make();
    await s.record(ev(100));
    await s.record(ev(300, { kind: "exhausted", scope: { team: "growth", feature: "chat" }, period: "day", periodId: "2026-11-29", spentUsd: 100.25 }));
    await s.record(ev(200));
    await s.record(ev(300, { budget: "other" }));
    assert.deepEqual((await s.list({ limit: 10 })).map((e) => `${e.at}:${e.budget}`), ["300:other", "300:team-monthly", "200:team-monthly", "100:team-monthly"], "same time: the later one first");
    assert.deepEqual((await s.list({ limit: 10 }))[1], ev(300, { kind: "exhausted", scope: { team: "growth", feature: "chat" }, period: "day", periodId: "2026-11-29", spentUsd: 100.25 }));
    assert.deepEqual((await s.list({ since: 200, limit: 10 })).map((e) => e.at), [300, 300, 200]);
    assert.equal((await s.list({ limit: 1 })).length, 1);
  });

  test(`${label}: counts per budget and kind`, async () => {
    const s = await make();
    assert.deepEqual(await s.countsByBudget(), []);
    await s.record(ev(1));
    await s.record(ev(2));
    await s.record(ev(3, { kind: "exhausted" }));
    await s.record(ev(4, { budget: "b2" }));
    const counts = (await s.countsByBudget()).map((c) => `${c.budget}/${c.kind}=${c.count}`).sort();
    assert.deepEqual(counts, ["b2/soft_threshold=1", "team-monthly/exhausted=1", "team-monthly/soft_threshold=2"]);
  });
}

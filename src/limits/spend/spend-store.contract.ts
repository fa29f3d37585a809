import { test } from "node:test";
import assert from "node:assert/strict";
import type { SpendRow, SpendStore } from "./spend-types.js";

const row = (over: Partial<SpendRow>): SpendRow => ({
  day: "2026-11-29", keyId: "key_a", user: null, team: "growth", feature: null, model: "sim", requests: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.25, ...over,
});

/** The `SpendStore` contract (`sqlite-spend-store.test.ts`); every call is awaited. */
export function spendStoreContract(label: string, make: () => SpendStore | Promise<SpendStore>): void {
  test(`${label}: rows add up per day and attribution, within a batch and across batches`, async () => {
    const s = await make();
    await s.addBatch([row({}), row({ costUsd: 0.5, tokensIn: 1 })]);
    await s.addBatch([row({ requests: 2 }), row({ user: "u1" })]);
    const rows = await s.rowsSince("2026-11-01");
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.find((r) => r.user === null), row({ requests: 4, tokensIn: 21, tokensOut: 15, costUsd: 1 }));
    assert.deepEqual(rows.find((r) => r.user === "u1"), row({ user: "u1" }));
  });

  test(`${label}: a missing attribute stays null and is its own group`, async () => {
    const s = await make();
    await s.addBatch([row({ keyId: null, team: null, model: null }), row({})]);
    const { groups } = await s.query({ by: ["key"], limit: 10 });
    assert.deepEqual(groups.map((g) => g.by.key).sort(), ["key_a", null].sort());
    assert.ok((await s.rowsSince("2026-01-01")).some((r) => r.keyId === null && r.team === null && r.model === null));
  });

  test(`${label}: queries filter by an inclusive day range and attributes; totals cover every matching row`, async () => {
    const s = await make();
    await s.addBatch([
      row({ day: "2026-10-31", costUsd: 8 }), row({ day: "2026-11-01", costUsd: 1 }),
      row({ day: "2026-11-30", model: "gpt-4o", costUsd: 2 }), row({ day: "2026-12-01", keyId: "key_b", costUsd: 4 }),
    ]);
    assert.deepEqual((await s.query({ since: "2026-11-01", until: "2026-11-30", by: [], limit: 10 })).total, { requests: 2, tokensIn: 20, tokensOut: 10, costUsd: 3 });
    assert.equal((await s.query({ key: "key_b", by: [], limit: 10 })).total.costUsd, 4);
    assert.equal((await s.query({ model: "gpt-4o", team: "growth", by: [], limit: 10 })).total.costUsd, 2);
    assert.deepEqual((await s.query({ user: "nobody", by: [], limit: 10 })).total, { requests: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 });
    assert.deepEqual((await s.query({ by: [], limit: 10 })).groups, [], "no grouping: the total only");
  });

  test(`${label}: groups order by day (newest first) then cost, and the limit bounds groups, not the total`, async () => {
    const s = await make();
    await s.addBatch([
      row({ day: "2026-11-01", costUsd: 1 }), row({ day: "2026-11-02", model: "gpt-4o", costUsd: 2 }),
      row({ day: "2026-11-02", keyId: "key_b", costUsd: 4 }), row({ day: "2026-11-02", keyId: "key_c", model: "big", costUsd: 9 }),
    ]);
    const byDayModel = await s.query({ by: ["day", "model"], limit: 10 });
    assert.deepEqual(byDayModel.groups.map((g) => [g.by.day, g.by.model, g.costUsd]), [["2026-11-02", "big", 9], ["2026-11-02", "sim", 4], ["2026-11-02", "gpt-4o", 2], ["2026-11-01", "sim", 1]]);
    const top = await s.query({ by: ["model"], limit: 2 });
    assert.deepEqual(top.groups.map((g) => g.by.model), ["big", "sim"]);
    assert.equal(top.total.costUsd, 16);
  });

  test(`${label}: rowsSince reads from a day on`, async () => {
    const s = await make();
    await s.addBatch([row({ day: "2026-10-31" }), row({ day: "2026-11-01" }), row({ day: "2026-11-15" })]);
    assert.deepEqual((await s.rowsSince("2026-11-01")).map((r) => r.day).sort(), ["2026-11-01", "2026-11-15"]);
  });
}

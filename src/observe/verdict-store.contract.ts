import { test } from "node:test";
import assert from "node:assert/strict";
import type { GuardVerdictRecord, TraceRecord } from "./types.js";
import type { VerdictStore } from "./verdict-store.js";

const T0 = Date.UTC(2026, 10, 29, 10, 0, 0);
const MIN = 60_000;
const v = (scanner: string, source: string, triggered: boolean, action: string, latency_ms = 0.1): GuardVerdictRecord => ({ scanner, source, score: triggered ? 0.9 : 0.1, triggered, action, latency_ms });
const rec = (id: string, at: number, route: string, guard: GuardVerdictRecord[] | null): TraceRecord =>
  ({ id, startedAt: at, modelRequested: route, keyId: "key_1", feature: null, guard }) as unknown as TraceRecord;

/** The `VerdictStore` contract (`sqlite-verdict-store.test.ts` runs it besides its SQLite-specific cases); every call is awaited. */
export function verdictStoreContract(label: string, make: () => VerdictStore | Promise<VerdictStore>): void {
  test(`${label}: statistics count a call once per scanner and route, actions per triggered verdict, across batches`, async () => {
    const s = await make();
    await s.insertFor([
      rec("a", T0 + 1_000, "chat", [v("pii", "user", false, "log", 0.2), v("pii", "output", true, "redact", 0.4)]),
      rec("b", T0 + 2_000, "chat", [v("pii", "user", true, "block", 0.6)]),
      rec("c", T0 + 3_000, "search", [v("pii", "user", false, "log", 0.2)]),
      rec("d", T0 + 4_000, "chat", null),
    ]);
    await s.insertFor([rec("e", T0 + 5_000, "chat", [v("pii", "user", false, "log", 0.2)])]);
    const rows = await s.stats({});
    assert.deepEqual(rows.map((r) => `${r.route}/${r.scanner}`), ["chat/pii", "search/pii"], "ordered by route, then scanner");
    const chat = rows[0];
    assert.deepEqual([chat.screened, chat.triggered, chat.trigger_rate], [3, 2, 0.6667]);
    assert.deepEqual(chat.actions, { block: 1, redact: 1, flag: 0, log: 0 });
    assert.equal(chat.avg_latency_ms, 0.35);
    assert.equal(chat.max_latency_ms, 0.6);
  });

  test(`${label}: ranges and filters are whole minutes, by route and scanner`, async () => {
    const s = await make();
    await s.insertFor([
      rec("a", T0 + 1_000, "chat", [v("pii", "user", true, "flag"), v("injection", "user", false, "block")]),
      rec("b", T0 + MIN + 1_000, "chat", [v("pii", "user", false, "flag")]),
      rec("c", T0 + 2 * MIN + 1_000, "search", [v("pii", "user", false, "flag")]),
    ]);
    assert.equal((await s.stats({ since: T0 + 30_000, until: T0 + MIN + 1, scanner: "pii", route: "chat" }))[0].screened, 2, "both minutes the bounds fall in");
    assert.equal((await s.stats({ since: T0 + MIN, scanner: "pii", route: "chat" }))[0].screened, 1);
    assert.deepEqual((await s.stats({ scanner: "injection" })).map((r) => r.screened), [1]);
    assert.deepEqual((await s.stats({ route: "search" })).map((r) => r.scanner), ["pii"]);
    assert.deepEqual(await s.stats({ since: T0 + 3 * MIN }), []);
  });

  test(`${label}: retention drops the minutes before the cutoff, in bounded steps`, async () => {
    const s = await make();
    await s.insertFor([
      rec("a", T0 + 1_000, "chat", [v("pii", "user", true, "flag")]),
      rec("b", T0 + MIN + 1_000, "chat", [v("pii", "user", true, "flag")]),
      rec("c", T0 + 2 * MIN + 1_000, "chat", [v("pii", "user", true, "flag")]),
    ]);
    let deleted = 0;
    for (let i = 0; i < 10; i++) {
      const n = await s.deleteBatchBefore(T0 + 2 * MIN, 1);
      assert.ok(n <= 2, "at most `limit` rows, then at most `limit` minutes, per step");
      if (n === 0) break;
      deleted += n;
    }
    assert.ok(deleted >= 2);
    assert.deepEqual((await s.stats({})).map((r) => r.screened), [1]);
    await s.deleteBefore(T0 + 3 * MIN);
    assert.deepEqual(await s.stats({}), []);
  });
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleTrace } from "../sample-trace.js";
import type { SpendStore } from "../../limits/spend/spend-types.js";
import type { ResponseObject } from "../../responses/response-object.js";
import type { ResponseStore, StoredResponse } from "../../responses/response-store.js";
import type { TraceReads, TraceWrites } from "./trace-workers.js";

/** The asynchronous trace seams over one store: what is written is what is read. */
export interface TraceIoSetup {
  writes: TraceWrites;
  reads: TraceReads;
  /** The spend ledger as the admin API reads it, over the same database. */
  spend: SpendStore;
  /** Stored responses as the gateway reads them, over the same database. */
  responses: ResponseStore;
  /** Stops both and removes what the setup made. */
  close(): Promise<void>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2031, 5, 1);

/**
 * The `TraceWrites` + `TraceReads` contract (`trace-workers.contract.test.ts` runs it on the
 * SQLite worker threads): batches land once, reads see them, retention removes what it reports.
 */
export function traceIoContract(label: string, make: () => Promise<TraceIoSetup>): void {
  test(`${label}: written batches are listed newest first and summarised; a repeated id is written once`, async () => {
    const io = await make();
    try {
      const batch = Array.from({ length: 30 }, (_, i) => sampleTrace(i, { startedAt: T0 + i * 1000, endedAt: T0 + i * 1000 + 5 }));
      await io.writes.insertBatch(batch.slice(0, 20));
      await io.writes.insertBatch(batch.slice(10));
      const page = await io.reads.list({ limit: 5 });
      assert.deepEqual(page.data.map((t) => t.id), batch.slice(25).reverse().map((t) => t.id));
      assert.ok(page.nextCursor);
      const next = await io.reads.list({ limit: 100, cursor: page.nextCursor! });
      assert.equal(next.data.length, 25);
      const summary = await io.reads.summary({ since: T0, until: T0 + DAY, where: {}, maxRows: 1e6 });
      assert.equal(summary.data[0].requests, 30, "the ten sent twice count once");
      assert.equal(summary.data[0].errors, batch.filter((t) => t.status !== "ok").length);
      const series = await io.reads.timeseries({ since: T0, until: T0 + 30_000, buckets: 3, where: {}, maxRows: 1e6 });
      assert.deepEqual(series.data.map((b) => b.requests), [10, 10, 10]);
    } finally {
      await io.close();
    }
  });

  test(`${label}: retention deletes the rows before the cutoff and says how many; backfill completes`, async () => {
    const io = await make();
    try {
      await io.writes.insertBatch(Array.from({ length: 12 }, (_, i) => sampleTrace(i, { startedAt: T0 + (i % 3) * DAY + i, endedAt: T0 + (i % 3) * DAY + i + 5 })));
      const deleted = await io.writes.prune({ before: T0 + DAY, rollupsBefore: T0 + DAY });
      assert.equal(deleted.traces, 4);
      assert.equal((await io.reads.list({ limit: 100 })).data.length, 8);
      assert.equal((await io.writes.prune({ before: T0 + DAY, rollupsBefore: T0 + DAY })).traces, 0);
      await io.writes.backfill();
      const left = await io.reads.summary({ since: T0, until: T0 + 3 * DAY, where: {}, maxRows: 1e6 });
      assert.equal(left.data[0].requests, 8, "rollups before the cutoff went too");
    } finally {
      await io.close();
    }
  });

  test(`${label}: the spend ledger's upserts land through the writer and add up per day and attribution`, async () => {
    const io = await make();
    try {
      const row = (o: { keyId?: string | null; costUsd?: number; requests?: number }) => ({
        day: "2031-06-01", keyId: "key_a", user: null, team: null, feature: "chat", model: "m",
        requests: 1, tokensIn: 10, tokensOut: 5, costUsd: 0.25, ...o,
      });
      await io.writes.addSpend([row({}), row({ keyId: "key_b", costUsd: 1 })]);
      await io.writes.addSpend([row({ requests: 2, costUsd: 0.5 })]);
      await io.writes.addSpend([]);
      const { groups, total } = io.spend.query({ by: ["key"], limit: 10 });
      assert.deepEqual(groups.map((g) => [g.by.key, g.requests, g.costUsd]), [["key_b", 1, 1], ["key_a", 3, 0.75]]);
      assert.equal(total.tokensIn, 30);
    } finally {
      await io.close();
    }
  });

  test(`${label}: stored responses land through the writer; a repeated id keeps its last write`, async () => {
    const io = await make();
    try {
      const resp = (id: string, text: string): StoredResponse => ({ id, keyId: "key_a", createdAt: T0, response: { id, output_text: text } as unknown as ResponseObject, conversation: [{ role: "user", content: text }] });
      await io.writes.addResponses([resp("resp_1", "one"), resp("resp_2", "two"), resp("resp_1", "one again")]);
      await io.writes.addResponses([]);
      const got = io.responses.get("resp_1", "key_a");
      assert.equal((got?.response as unknown as { output_text: string }).output_text, "one again");
      assert.deepEqual(got?.conversation, [{ role: "user", content: "one again" }]);
      assert.ok(io.responses.get("resp_2", "key_a"));
      assert.equal(io.responses.get("resp_2", "key_b"), null);
    } finally {
      await io.close();
    }
  });
}

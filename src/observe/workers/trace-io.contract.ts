import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleTrace } from "../sample-trace.js";
import type { TraceReads, TraceWrites } from "./trace-workers.js";

/** The asynchronous trace seams over one store: what is written is what is read. */
export interface TraceIoSetup {
  writes: TraceWrites;
  reads: TraceReads;
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
}

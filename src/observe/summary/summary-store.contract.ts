import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleTrace } from "../sample-trace.js";
import type { TraceRecord, TraceStore } from "../types.js";
import type { SummaryStore } from "./summary-store.js";

const HOUR = 3_600_000;
const T0 = Date.UTC(2031, 0, 1); // whole hour: ranges below mix whole hours, minutes and ragged edges

/** Trace rows and summaries over the same data. */
export interface SummarySetup {
  traces: Pick<TraceStore, "insertBatch">;
  summaries: SummaryStore;
}

/** 240 calls over four hours: two models, errors every fifth, a guard trigger every seventh. */
function calls(): TraceRecord[] {
  return Array.from({ length: 240 }, (_, i) => sampleTrace(i, {
    startedAt: T0 + i * 60_000 + (i % 7) * 1000, endedAt: T0 + i * 60_000 + 5000,
    modelRequested: i % 2 ? "fast" : "smart", modelServed: i % 2 ? "gpt-mini" : "gpt-big", feature: i % 3 ? "chat" : "search",
    tokensIn: 10 + (i % 4), tokensOut: 5, costUsd: 0.001, latencyMs: 100 + i,
    guard: i % 7 === 0 ? [{ scanner: "pii", source: "user", score: 0.9, triggered: true, action: "redact", latency_ms: 0.1 }] : null,
  }));
}

function expect(records: readonly TraceRecord[], since: number, until: number, pick: (r: TraceRecord) => boolean = () => true): { requests: number; errors: number; tokens_in: number; guard_triggers: number } {
  const rs = records.filter((r) => r.startedAt >= since && r.startedAt < until && pick(r));
  return { requests: rs.length, errors: rs.filter((r) => r.status !== "ok").length, tokens_in: rs.reduce((a, r) => a + r.tokensIn, 0), guard_triggers: rs.filter((r) => r.guard).length };
}

const counts = (s: { requests: number; errors: number; tokens_in: number; guard_triggers: number }): object =>
  ({ requests: s.requests, errors: s.errors, tokens_in: s.tokens_in, guard_triggers: s.guard_triggers });

/** The `SummaryStore` contract (`sqlite-summary-store.test.ts`); every call is awaited. */
export function summaryStoreContract(label: string, make: () => SummarySetup | Promise<SummarySetup>): void {
  test(`${label}: counts and sums are exact over whole hours, minutes and ragged edges, rollups or rows alike`, async () => {
    const { traces, summaries } = await make();
    const records = calls();
    await traces.insertBatch(records);
    for (const [since, until] of [[T0, T0 + 4 * HOUR], [T0 + 1234, T0 + 2 * HOUR + 59_999], [T0 + 61_000, T0 + 119_000]] as const) {
      for (const exact of [false, true]) {
        const a = await summaries.summary({ since, until, where: {}, maxRows: 1e6, exact });
        assert.equal(a.by, null);
        assert.equal(a.truncated, false);
        assert.deepEqual(a.data.map(counts), [expect(records, since, until)], `[${since - T0}, ${until - T0}) exact=${exact}`);
        assert.equal(a.data[0].slice, "all");
      }
    }
  });

  test(`${label}: slicing and filtering by a dimension`, async () => {
    const { traces, summaries } = await make();
    const records = calls();
    await traces.insertBatch(records);
    const q = { since: T0, until: T0 + 4 * HOUR, maxRows: 1e6 };
    const byModel = await summaries.summary({ ...q, by: "model", where: {} });
    assert.equal(byModel.by, "model");
    const slices = new Map(byModel.data.map((s) => [s.slice, counts(s)]));
    assert.deepEqual(slices.get("gpt-mini"), expect(records, q.since, q.until, (r) => r.modelServed === "gpt-mini"));
    assert.deepEqual(slices.get("gpt-big"), expect(records, q.since, q.until, (r) => r.modelServed === "gpt-big"));
    const search = await summaries.summary({ ...q, where: { feature: "search" } });
    assert.deepEqual(search.data.map(counts), [expect(records, q.since, q.until, (r) => r.feature === "search")]);
    const mixed = await summaries.summary({ ...q, by: "feature", where: { route: "fast" } });
    assert.deepEqual(new Map(mixed.data.map((s) => [s.slice, s.requests])), new Map([
      ["chat", expect(records, q.since, q.until, (r) => r.modelRequested === "fast" && r.feature === "chat").requests],
      ["search", expect(records, q.since, q.until, (r) => r.modelRequested === "fast" && r.feature === "search").requests],
    ]));
    assert.deepEqual((await summaries.summary({ ...q, where: { model: "none" } })).data, []);
  });

  test(`${label}: a range holding more calls than maxRows is summarised from the newest and says so`, async () => {
    const { traces, summaries } = await make();
    await traces.insertBatch(calls());
    const a = await summaries.summary({ since: T0, until: T0 + 4 * HOUR, where: {}, maxRows: 50, exact: true });
    assert.equal(a.truncated, true);
    assert.equal(a.data[0].requests, 50);
  });

  test(`${label}: a time series has every interval in order, empty ones included, and adds up to the summary`, async () => {
    const { traces, summaries } = await make();
    const records = calls();
    await traces.insertBatch(records);
    const since = T0 - HOUR;
    const until = T0 + 4 * HOUR;
    const ts = await summaries.timeseries({ since, until, buckets: 5, where: {}, maxRows: 1e6 });
    assert.equal(ts.step_ms, HOUR);
    assert.deepEqual(ts.data.map((b) => b.start_ms), [0, 1, 2, 3, 4].map((i) => since + i * HOUR));
    assert.equal(ts.data[0].start, new Date(since).toISOString());
    assert.deepEqual(ts.data.map((b) => b.requests), [0, ...[0, 1, 2, 3].map((h) => expect(records, T0 + h * HOUR, T0 + (h + 1) * HOUR).requests)]);
    assert.equal(ts.data[0].latency_ms.p50, null);
    const total = await summaries.summary({ since, until, where: {}, maxRows: 1e6 });
    assert.equal(ts.data.reduce((a, b) => a + b.errors, 0), total.data[0].errors);
  });
}

import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../random/seeded-random.js";
import { openMemorySqlite } from "../../storage/sqlite.js";
import { ALPHA } from "../rollup/log-sketch.js";
import { guardTriggered } from "../rollup/rollup-groups.js";
import { SqliteTraceStore } from "../sqlite-trace-store.js";
import { sampleTrace } from "../sample-trace.js";
import type { TraceRecord } from "../types.js";
import { summarize, type SliceSummary } from "./summarize.js";
import { SqliteSummaryStore } from "./sqlite-summary-store.js";

const T0 = Date.UTC(2030, 0, 1, 10, 0, 0);
const HOUR = 3_600_000;

function randomTraces(n: number, seed: number): TraceRecord[] {
  const rand = seededRandom(seed);
  const models = ["gpt-a", "gpt-b", "claude-c"];
  return Array.from({ length: n }, (_, i) => {
    const ttft = rand() < 0.5 ? null : 20 + rand() * 300;
    return sampleTrace(i, {
      startedAt: T0 + Math.floor(rand() * 5 * HOUR), modelServed: models[i % 3], modelRequested: i % 2 ? "smart" : "fast",
      feature: i % 4 === 0 ? null : `f${i % 4}`, keyId: `key_${i % 7}`, status: rand() < 0.05 ? "error" : "ok",
      latencyMs: Math.exp(5 + rand() * 2), ttftMs: ttft, tokensOut: Math.floor(rand() * 200), tokensCached: rand() < 0.2 ? 64 : 0,
      costUsd: rand() / 1000, promptName: i % 5 ? "support" : null, promptVersion: 1 + (i % 3),
      guard: rand() < 0.1 ? [{ scanner: "pii", source: "input", score: 1, triggered: true, action: rand() < 0.5 ? "log" : "block", latency_ms: 1 }] : null,
    });
  });
}

function exact(records: TraceRecord[], since: number, until: number, slice: (r: TraceRecord) => string | null): SliceSummary[] {
  return summarize(records.filter((r) => r.startedAt >= since && r.startedAt < until).map((r) => ({ ...r, slice: slice(r), guardTriggered: guardTriggered(r) })));
}

function assertClose(got: SliceSummary[], want: SliceSummary[]): void {
  assert.deepEqual(got.map((s) => s.slice), want.map((s) => s.slice));
  got.forEach((g, i) => {
    const w = want[i];
    for (const k of ["requests", "errors", "tokens_in", "tokens_out", "cache_hits", "guard_triggers"] as const) assert.equal(g[k], w[k], `${g.slice} ${k}`);
    assert.ok(Math.abs(g.cost_usd - w.cost_usd) < 1e-9, "cost sums agree");
    for (const [a, b] of [[g.latency_ms.p50, w.latency_ms.p50], [g.latency_ms.p95, w.latency_ms.p95], [g.ttft_ms.p95, w.ttft_ms.p95], [g.tokens_per_s_p50, w.tokens_per_s_p50]]) {
      if (b === null) { assert.equal(a, null); continue; }
      // r3 rounding adds at most 0.0005 on top of the sketch's relative error.
      assert.ok(Math.abs(a! - b) <= ALPHA * b + 0.001, `${g.slice}: ${a} vs exact ${b}`);
    }
  });
}

test("rollup-answered summaries: exact counts and sums, percentiles within α, edges read from rows", () => {
  const db = openMemorySqlite();
  const store = new SqliteTraceStore(db);
  const records = randomTraces(6000, 11);
  for (let i = 0; i < records.length; i += 256) store.insertBatch(records.slice(i, i + 256));
  store.insertBatch(records.slice(0, 10)); // duplicates are ignored by the table, so by the rollups too
  // Ranges with ragged edges, whole hours, and one inside a single minute (read exactly from rows).
  const ranges: [number, number][] = [[T0 - 5000, T0 + 6 * HOUR], [T0 + 1234, T0 + 3 * HOUR + 59_999], [T0 + 90 * 60_000 + 7, T0 + 4 * HOUR - 3], [T0 + 61_000, T0 + 119_000]];
  for (const [since, until] of ranges) {
    const all = new SqliteSummaryStore(db).summary({ since, until, where: {}, maxRows: 1e6 });
    assert.equal(all.truncated, false);
    assertClose(all.data, exact(records, since, until, () => "all"));
    const byModel = new SqliteSummaryStore(db).summary({ since, until, by: "model", where: {}, maxRows: 1e6 });
    assertClose(byModel.data, exact(records, since, until, (r) => r.modelServed));
    const byFeature = new SqliteSummaryStore(db).summary({ since, until, by: "feature", where: {}, maxRows: 1e6 });
    assertClose(byFeature.data, exact(records, since, until, (r) => r.feature ?? "none"));
    const pv = new SqliteSummaryStore(db).summary({ since, until, where: { prompt_version: "support@v2" }, maxRows: 1e6 });
    assertClose(pv.data, exact(records.filter((r) => r.promptName && r.promptVersion === 2), since, until, () => "all"));
    // Two dimensions at once have no rollup: the exact read answers, so percentiles match exactly.
    const mixed = new SqliteSummaryStore(db).summary({ since, until, by: "feature", where: { model: "gpt-a" }, maxRows: 1e6 });
    const roundCost = (x: SliceSummary[]): SliceSummary[] => x.map((s) => ({ ...s, cost_usd: Math.round(s.cost_usd * 1e9), cost_usd_per_request: Math.round(s.cost_usd_per_request * 1e12) }));
    assert.deepEqual(roundCost(mixed.data), roundCost(exact(records.filter((r) => r.modelServed === "gpt-a"), since, until, (r) => r.feature ?? "none")));
  }
});

test("rollup-answered time series agree with the summary and with the rows, interval by interval", () => {
  const db = openMemorySqlite();
  const store = new SqliteTraceStore(db);
  const records = randomTraces(4000, 5);
  store.insertBatch(records);
  const since = T0 + 777;
  const until = T0 + 5 * HOUR;
  const ts = new SqliteSummaryStore(db).timeseries({ since, until, buckets: 7, where: { key: "key_3" }, maxRows: 1e6 });
  assert.equal(ts.data.length, 7);
  const mine = records.filter((r) => r.keyId === "key_3");
  ts.data.forEach((b, i) => {
    const want = exact(mine, b.start_ms, Math.min(until, b.start_ms + ts.step_ms), () => "x");
    assert.equal(b.requests, want[0]?.requests ?? 0, `interval ${i}`);
    assert.equal(b.tokens_out, want[0]?.tokens_out ?? 0);
    if (want[0]) assert.ok(Math.abs(b.latency_ms.p50! - want[0].latency_ms.p50!) <= ALPHA * want[0].latency_ms.p50! + 0.001);
  });
  const summary = new SqliteSummaryStore(db).summary({ since, until, where: { key: "key_3" }, maxRows: 1e6 });
  assert.equal(ts.data.reduce((a, b) => a + b.requests, 0), summary.data[0].requests);
});

test("ranges older than the rollups' coverage are read from the rows (a store upgraded with traces in it)", () => {
  const db = openMemorySqlite();
  const store = new SqliteTraceStore(db);
  const records = randomTraces(500, 3);
  store.insertBatch(records);
  // As if the rows predate migration 13: rollups empty, coverage starting after them.
  db.prepare("DELETE FROM trace_rollup_minute").run();
  db.prepare("DELETE FROM trace_rollup_hour").run();
  db.prepare("UPDATE trace_rollup_state SET covered_from = ?").run(T0 + 6 * HOUR);
  const got = new SqliteSummaryStore(db).summary({ since: T0, until: T0 + 6 * HOUR, where: {}, maxRows: 1e6 });
  const want = exact(records, T0, T0 + 6 * HOUR, () => "all");
  assert.equal(got.data[0].requests, 500);
  assert.deepEqual(got.data[0].latency_ms, want[0].latency_ms, "exact percentiles: the rows were read");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { percentiles } from "./percentile.js";
import { summarize, type SummaryRow } from "./summarize.js";

test("percentiles interpolate between closest ranks", () => {
  assert.deepEqual(percentiles(Float64Array.from([5, 1, 4, 2, 3]), [0, 0.5, 0.95, 1]), [1, 3, 4.8, 5]);
  assert.deepEqual(percentiles(new Float64Array(0), [0.5]), [null]);
  assert.deepEqual(percentiles(Float64Array.from([7]), [0.5, 0.95]), [7, 7]);
});

function row(over: Partial<SummaryRow> = {}): SummaryRow {
  return { slice: "a", status: "ok", endpoint: "chat", latencyMs: 1000, ttftMs: 200, tokensIn: 10, tokensOut: 80, tokensCached: 0, costUsd: 0.01, guardTriggered: false, ...over };
}

test("one summary per slice: rates, percentiles, per-request means, scores and feedback", () => {
  const rows = [
    ...Array.from({ length: 100 }, (_, i) => row({ latencyMs: i + 1, ttftMs: null, tokensOut: 0 })),
    row({ slice: "b", status: "error", tokensCached: 5, guardTriggered: true }),
    row({ slice: "b" }),
    row({ slice: null }),
  ];
  const out = summarize(rows, [
    { slice: "b", name: "helpfulness", source: "online", mean: 0.4, n: 2 },
    { slice: "b", name: "user_feedback", source: "feedback", mean: 1, n: 1 },
    { slice: "gone", name: "x", source: "online", mean: 1, n: 1 },
  ]);
  assert.deepEqual(out.map((s) => s.slice), ["a", "b", "none"]);
  const a = out[0];
  assert.equal(a.requests, 100);
  assert.equal(a.latency_ms.p50, 50.5);
  assert.equal(a.latency_ms.p95, 95.05);
  assert.equal(a.ttft_ms.p50, null);
  assert.equal(a.tokens_per_s_p50, null, "no output tokens, no throughput");
  const b = out[1];
  assert.equal(b.error_rate, 0.5);
  assert.equal(b.cache_hit_rate, 0.5);
  assert.equal(b.guard_trigger_rate, 0.5);
  assert.equal(b.tokens_per_s_p50, 100, "80 tokens over the 0.8 s after the first chunk");
  assert.equal(b.cost_usd_per_request, 0.01);
  assert.deepEqual(b.scores, { helpfulness: { mean: 0.4, n: 2 } });
  assert.deepEqual(b.feedback, { mean: 1, n: 1 });
});

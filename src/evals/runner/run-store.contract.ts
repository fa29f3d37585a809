import { test } from "node:test";
import assert from "node:assert/strict";
import type { ItemResult, RunRecord, RunStore } from "./run-types.js";
import { summarize } from "./summary.js";

const run = (id: string, at: string, name = "suite"): RunRecord => ({
  id, name, status: "running", dataset: "d", dataset_version: 1, started_at: at, ended_at: null, cost_usd: 0, summary: null, metadata: { git_sha: "abc" },
  config: { suite: name, target: { description: "t", fingerprint: "f", config: {} }, evaluators: [], metrics: [{ name: "m", kind: "exact", family: "deterministic", threshold: 1 }], thresholds: {}, repeats: 1, budget_usd: null, baseline_run: null },
});
const result = (item: string, repeat: number, cost: number): ItemResult => ({
  item_id: item, repeat, error: null, cost_usd: cost, scores: { m: { status: "scored", score: 1, passed: true, label: "pass", explanation: "x" } },
  output: { text: "a", tool_calls: [], latency_ms: 1, cost_usd: cost, request_id: null, model: null, cached: false },
});

/** The `RunStore` contract, run by the test of every implementation. */
export function runStoreContract(label: string, make: () => RunStore): void {
  test(`${label}: runs, results in repeat order, cost accumulated, finish once`, () => {
    const s = make();
    s.insertRun(run("r1", "2025-01-01T00:00:00.000Z"));
    s.insertRun(run("r2", "2025-01-02T00:00:00.000Z", "other"));
    s.appendResults("r1", [result("a", 1, 0.5), result("a", 0, 0.25)]);
    s.appendResults("r1", [result("a", 0, 0.25)]); // re-sent batch: replaces, never duplicates
    assert.deepEqual(s.results("r1").map((r) => `${r.item_id}${r.repeat}`), ["a0", "a1"]);
    const summary = summarize(s.results("r1"), s.getRun("r1")!.config.metrics, {}, 2);
    assert.equal(s.finishRun("r1", "completed", summary, 0.75, "2025-01-01T00:10:00.000Z"), true);
    assert.equal(s.finishRun("r1", "failed", summary, 0.75, "2025-01-01T00:11:00.000Z"), false, "a finished run stays finished");
    const r1 = s.getRun("r1")!;
    assert.deepEqual([r1.status, r1.cost_usd, r1.ended_at, r1.summary?.results, r1.metadata.git_sha], ["completed", 0.75, "2025-01-01T00:10:00.000Z", 2, "abc"]);
    assert.deepEqual(s.listRuns({ limit: 10 }).map((r) => r.id), ["r2", "r1"], "newest first");
    assert.deepEqual(s.listRuns({ limit: 10, name: "suite" }).map((r) => r.id), ["r1"]);
    assert.equal(s.getRun("nope"), undefined);
  });

  test(`${label}: an (item, repeat) sent twice in one batch keeps the later result`, () => {
    const s = make();
    s.insertRun(run("r1", "2025-01-01T00:00:00.000Z"));
    s.appendResults("r1", [result("a", 0, 0.25), { ...result("a", 0, 0.25), error: "second" }, result("b", 0, 0.5)]);
    assert.deepEqual(s.results("r1").map((r) => `${r.item_id}${r.repeat}:${r.error}`), ["a0:second", "b0:null"]);
    s.appendResults("r1", []);
    assert.equal(s.results("r1").length, 2);
  });

  test(`${label}: output cache by key`, () => {
    const s = make();
    const out = { text: "a", tool_calls: [], latency_ms: 3, cost_usd: 0.1, request_id: "req_1", model: "m" };
    assert.equal(s.cacheGet("k"), undefined);
    s.cachePut("k", out, 1);
    assert.deepEqual(s.cacheGet("k"), out);
  });
}

import assert from "node:assert/strict";
import { test } from "node:test";
import type { Feedback } from "../evals/online/types.js";
import { sampleTrace } from "../observe/sample-trace.js";
import type { TraceRecord } from "../observe/types.js";
import { agreement } from "./agreement.js";
import { sampleItems, sampleQueue } from "./annotation-store.contract.js";
import { parseSource, type SourceDeps, sourceRows } from "./source-export.js";
import type { LabelRecord, QueueItem } from "./types.js";

function trace(i: number, prompt: string, answer: string): TraceRecord {
  return sampleTrace(i, {
    status: "ok",
    requestBody: JSON.stringify({ model: "sim", messages: [{ role: "user", content: prompt }] }),
    responseBody: JSON.stringify({ choices: [{ message: { role: "assistant", content: answer } }] }),
  });
}
const fb = (trace_id: string, o: Partial<Feedback>): Feedback => ({ id: `fb_${trace_id}`, trace_id, key_id: null, thumbs: null, score: null, comment: null, correction: null, created_at: "2026-01-01T00:00:00.000Z", ...o });

function deps(traces: TraceRecord[], feedback: Feedback[], queue?: { items: QueueItem[]; labels: LabelRecord[] }): SourceDeps {
  const q = sampleQueue("q");
  return {
    queue: () => ({ queue: { ...q, minAgreement: null }, items: queue!.items, labels: queue!.labels, report: { ...agreement(q, queue!.labels, { resamples: 0 }), meets_threshold: true } }),
    listTraces: () => ({ data: traces, nextCursor: null }),
    feedback: (id) => feedback.filter((f) => f.trace_id === id),
  };
}

test("feedback DPO: a liked against a disliked answer to the same prompt, a correction over its answer; the rest counted by filter", () => {
  const traces = [trace(1, "same?", "good answer"), trace(2, "same?", "bad"), trace(3, "alone?", "x"), trace(4, "fix?", "wrong"), trace(5, "quiet?", "y")];
  const feedback = [fb(traces[0].id, { thumbs: "up" }), fb(traces[1].id, { score: 0.1 }), fb(traces[2].id, { thumbs: "up" }), fb(traces[3].id, { thumbs: "down", correction: "right" })];
  const r = sourceRows(parseSource("feedback"), deps(traces, feedback), { format: "dpo", limit: 100, licence: "CC0-1.0" });
  assert.deepEqual(r.candidates.map((c) => [c.row, c.prov.source, c.prov.trace_ids]), [
    [{ prompt: [{ role: "user", content: "fix?" }], chosen: [{ role: "assistant", content: "right" }], rejected: [{ role: "assistant", content: "wrong" }] }, "correction", [traces[3].id]],
    [{ prompt: [{ role: "user", content: "same?" }], chosen: [{ role: "assistant", content: "good answer" }], rejected: [{ role: "assistant", content: "bad" }] }, "pair", [traces[0].id, traces[1].id]],
  ]);
  // trace 3 liked alone: no pair; trace 4's correction made its row; trace 5 has no feedback.
  assert.deepEqual(r.removed, { "pairing (no liked and disliked answer to one prompt, no correction)": 1, "feedback (none on the trace)": 1 });
  assert.equal(r.read, 5);
  assert.deepEqual(r.candidates.map((c) => [c.prov.origin, c.prov.licence]), [["user_feedback", "CC0-1.0"], ["user_feedback", "CC0-1.0"]]);
  // The latest thumbs or score decides: a later thumbs up turns a dislike into a positive.
  const later = [...feedback, { ...fb(traces[1].id, { thumbs: "up" }), id: "fb_late", created_at: "2026-02-01T00:00:00.000Z" }];
  const kto = sourceRows(parseSource("feedback"), deps(traces, later), { format: "kto", limit: 100, licence: null });
  assert.deepEqual(kto.candidates.filter((c) => c.prov.trace_ids[0] === traces[1].id).map((c) => (c.row as { label: boolean }).label), [true]);
});

test("corrections:NAME keeps only corrected answers of a queue; sources are parsed or refused with the reason", () => {
  const items = sampleItems("aq_q", 3).map((i) => ({ ...i, state: "done" as const }));
  const label = (itemId: string, reviewer: "ann" | "bob", v: number, correction: string | null = null): LabelRecord => ({ queueId: "aq_q", itemId, reviewer, expertise: reviewer === "ann" ? "expert" : "generalist", values: { helpful: v }, critique: null, correction, at: 1 });
  const labels = [label("it_0", "ann", 5), label("it_0", "bob", 5), label("it_1", "ann", 2, "a corrected answer 1"), label("it_1", "bob", 2), label("it_2", "ann", 1), label("it_2", "bob", 1)];
  const r = sourceRows(parseSource("corrections:q"), deps([], [], { items, labels }), { format: "sft", limit: 100, licence: null });
  assert.deepEqual(r.candidates.map((c) => [(c.row as { messages: { content: string }[] }).messages[1].content, c.prov.origin, c.prov.source, c.prov.from]), [["a corrected answer 1", "human_expert", "correction", "corrections:q"]]);
  assert.deepEqual(r.removed, { state: 0, correction: 2 });
  assert.throws(() => parseSource("rollout:support"), /only aggregate canary\/stable comparisons/);
  assert.throws(() => parseSource("traces"), /Unknown export source "traces": expected queue:NAME, corrections:NAME, feedback, pairwise:RUN_ID or dataset:NAME/);
  assert.deepEqual(parseSource("pairwise:run_1"), { kind: "pairwise", run: "run_1", spec: "pairwise:run_1" });
});

test("pairwise rows follow the dataset's order, not the order the run's items finished in", () => {
  // Items of a run run concurrently, so its results are stored in the order they came back.
  const item = (id: string) => ({ item: { id, input: `What is ${id}?`, expected: `reference for ${id}` } });
  const result = (id: string, repeat = 0) => ({ item_id: id, repeat, output: { text: `answer to ${id}`, tool_calls: [], latency_ms: 1, cost_usd: 0, request_id: null, model: "sim", cached: false }, error: null, scores: { pw: { status: "scored", label: "win" } }, cost_usd: 0 });
  const run = { id: "run_1", dataset: "qa", dataset_version: 1, started_at: "2026-01-01T00:00:00.000Z", ended_at: null, config: { metrics: [{ name: "pw", kind: "judge_pairwise" }], evaluators: [{ kind: "judge_pairwise", name: "pw", model: "sim" }], target: { description: "sim" }, baseline_run: null } };
  const d: SourceDeps = {
    ...deps([], []),
    runs: { getRun: (id: string) => (id === run.id ? run : undefined), results: () => [result("q3"), result("q1", 1), result("q1"), result("q2")] } as unknown as SourceDeps["runs"],
    datasets: { getDataset: () => ({ id: "ds_1", latestVersion: 1 }), items: () => [item("q1"), item("q2"), item("q3")] } as unknown as SourceDeps["datasets"],
  };
  const r = sourceRows(parseSource("pairwise:run_1"), d, { format: "dpo", limit: 100, licence: null });
  assert.deepEqual(r.candidates.map((c) => c.prov.row_key), ["pairwise:run_1:q1:0", "pairwise:run_1:q1:1", "pairwise:run_1:q2:0", "pairwise:run_1:q3:0"]);
});

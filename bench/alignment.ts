/**
 * Alignment data (docs/alignment-data.md): export throughput over 100k queue items, and the audit's
 * near-duplicate and contamination precision/recall on a constructed set with planted duplicates
 * and planted eval items. Run: node --import tsx bench/alignment.ts
 */
import { performance } from "node:perf_hooks";
import { agreement } from "../src/annotate/agreement.js";
import { auditRows } from "../src/annotate/data-audit.js";
import { assembleExport } from "../src/annotate/export-assemble.js";
import { exportQueue } from "../src/annotate/queue-export.js";
import { sourceRows, type SourceDeps } from "../src/annotate/source-export.js";
import type { Feedback } from "../src/evals/online/types.js";
import type { ItemResult, RunRecord, RunStore } from "../src/evals/runner/run-types.js";
import type { DatasetStore } from "../src/evals/datasets/types.js";
import { sampleTrace } from "../src/observe/sample-trace.js";
import type { LabelRecord, QueueItem, QueueRecord } from "../src/annotate/types.js";
import { seededRandom } from "../src/random/seeded-random.js";

const rnd = seededRandom(42);
const N = 100_000;
const q: QueueRecord = {
  id: "aq_bench", name: "bench", description: null, createdAt: 0, filter: { sample: 1, limit: N },
  rubric: { dimensions: [{ name: "quality", scale: { kind: "ordinal", min: 1, max: 5 }, pass: 4 }], critique: "optional" },
  reviewers: [{ name: "ann", expertise: "expert" }, { name: "bob", expertise: "generalist" }], reviewersPerItem: 2, minAgreement: null, licence: "CC-BY-4.0",
};
const items: QueueItem[] = [];
const labels: LabelRecord[] = [];
for (let i = 0; i < N; i++) {
  const prompt = `Question ${i >> 1}: how do I configure feature ${(i >> 1) % 97} for account ${i >> 1}?`;
  items.push({ id: `it_${i}`, queueId: q.id, position: i, traceId: `req_${i}`, input: [{ role: "system", content: "Answer briefly." }, { role: "user", content: prompt }], output: `Answer ${i}: open settings and enable option ${i % 13}.`, model: "sim", route: "sim", promptName: "support", promptVersion: 3, feature: null, tracedAt: i, state: "done" });
  const good = i % 2 === 0 ? 5 : 1 + Math.floor(rnd() * 3);
  for (const r of q.reviewers) labels.push({ queueId: q.id, itemId: `it_${i}`, reviewer: r.name, expertise: r.expertise, values: { quality: r.name === "bob" && rnd() < 0.1 ? Math.max(1, good - 1) : good }, critique: null, correction: null, at: i });
}
let t = performance.now();
const report = agreement(q, labels, { resamples: 20 });
console.log(`agreement over ${N} items × 2 reviewers (alpha ${report.overall?.toFixed(3)}, 20 bootstrap resamples): ${(performance.now() - t).toFixed(0)} ms`);
for (const format of ["sft", "dpo", "openai-dpo", "kto"] as const) {
  t = performance.now();
  const r = exportQueue(q, items, labels, report, format, { now: 0 });
  const ms = performance.now() - t;
  console.log(`export ${format}: ${r.rows} rows from ${N} items in ${ms.toFixed(0)} ms = ${Math.round((N / ms) * 1000)} items/s, ${Math.round((r.rows / ms) * 1000)} rows/s`);
}

// Other sources (in memory, same machine): 100k traces with user feedback, 100k pairwise judge results.
const traces = Array.from({ length: N }, (_, i) => sampleTrace(i, {
  status: "ok", requestBody: JSON.stringify({ model: "sim", messages: [{ role: "user", content: `Question ${i}: how do I reset feature ${i % 97}?` }] }),
  responseBody: JSON.stringify({ choices: [{ message: { role: "assistant", content: `Answer ${i}: open settings.` } }] }),
}));
const fb = (i: number): Feedback[] => [{ id: `fb_${i}`, trace_id: traces[i].id, key_id: null, thumbs: i % 3 === 0 ? "down" : "up", score: null, comment: null, correction: i % 10 === 0 ? `Corrected answer ${i}.` : null, created_at: "2026-01-01T00:00:00.000Z" }];
const byId = new Map(traces.map((tr, i) => [tr.id, i]));
const run: RunRecord = {
  id: "run_bench", name: "bench", status: "completed", dataset: "bench", dataset_version: 1, started_at: "2026-01-01T00:00:00.000Z", ended_at: "2026-01-01T01:00:00.000Z", cost_usd: 0, summary: null, metadata: {},
  config: { suite: "bench", target: { description: "t", fingerprint: "f", config: {} }, evaluators: [{ kind: "judge_pairwise", name: "pref", model: "judge", criteria: "better" } as never], metrics: [{ name: "pref", kind: "judge_pairwise", family: "judge", threshold: 0.5 }], thresholds: {}, repeats: 1, budget_usd: null, baseline_run: null },
};
const results: ItemResult[] = Array.from({ length: N }, (_, i) => ({
  item_id: `q${i}`, repeat: 0, error: null, cost_usd: 0,
  output: { text: `Candidate answer ${i}.`, tool_calls: [], latency_ms: 1, cost_usd: 0, request_id: null, model: "sim", cached: false },
  scores: { pref: { status: "scored", score: i % 4 === 0 ? 0.5 : i % 2 ? 1 : 0, passed: true, label: i % 4 === 0 ? "tie" : i % 2 ? "win" : "loss", explanation: "", details: { judge_model: "judge", system_fingerprint: "fp" } } },
}));
const dsItems = results.map((r) => ({ item: { id: r.item_id, input: `Prompt for ${r.item_id}?`, expected: `Reference for ${r.item_id}.`, tags: [], provenance: { source: "human" as const } }, hash: "" }));
const deps: SourceDeps = {
  queue: () => { throw new Error("no queues here"); },
  listTraces: (f) => { const start = f.cursor ? Number(f.cursor) : 0; const data = traces.slice(start, start + f.limit); return { data, nextCursor: start + f.limit < traces.length ? String(start + f.limit) : null }; },
  feedback: (id) => fb(byId.get(id)!),
  runs: { getRun: () => run, results: () => results } as unknown as RunStore,
  datasets: { getDataset: () => ({ id: "ds", name: "bench", description: null, createdAt: 0, latestVersion: 1 }), items: () => dsItems } as unknown as DatasetStore,
};
for (const [spec, src, format] of [["feedback", { kind: "feedback", spec: "feedback" }, "kto"], ["feedback", { kind: "feedback", spec: "feedback" }, "sft"], ["pairwise:run_bench", { kind: "pairwise", run: "run_bench", spec: "pairwise:run_bench" }, "dpo"]] as const) {
  t = performance.now();
  const part = sourceRows(src, deps, { format, limit: 1_000_000, licence: null });
  const mid = performance.now();
  const out = await assembleExport([part], { format, maxSyntheticShare: 1, output: "jsonl", now: 0, filters: {} });
  const ms = performance.now() - t;
  console.log(`export ${format} from ${spec}: ${out.rows} rows from ${part.read} ${spec === "feedback" ? "traces" : "results"} in ${ms.toFixed(0)} ms (rows ${(mid - t).toFixed(0)} ms, hash + card ${(performance.now() - mid).toFixed(0)} ms) = ${Math.round((out.rows / ms) * 1000)} rows/s`);
  if (spec !== "feedback" || format === "kto") {
    t = performance.now();
    const pq = await assembleExport([part], { format, maxSyntheticShare: 1, output: "parquet", now: 0, filters: {} });
    const pms = performance.now() - t;
    console.log(`  as Parquet: ${pms.toFixed(0)} ms = ${Math.round((pq.rows / pms) * 1000)} rows/s, ${(Buffer.from(pq.parquet_base64!, "base64").length / 1e6).toFixed(1)} MB vs JSONL ${(Buffer.byteLength(pq.jsonl) / 1e6).toFixed(1)} MB`);
  }
}

// Audit precision/recall on planted rows.
const vocab = Array.from({ length: 600 }, (_, i) => `w${i}`);
const zipf = (): string => vocab[Math.min(vocab.length - 1, Math.floor(vocab.length * rnd() ** 2))];
const sentence = (): string[] => Array.from({ length: 12 + Math.floor(rnd() * 9) }, zipf);
const mutate = (ws: string[], k: number): string[] => {
  const out = [...ws];
  for (let j = 0; j < k; j++) out[Math.floor(rnd() * out.length)] = `x${Math.floor(rnd() * 1e9)}`;
  return out;
};
const row = (p: string[], a: string[]): string => JSON.stringify({ messages: [{ role: "user", content: p.join(" ") }, { role: "assistant", content: a.join(" ") }] });
const BASE = 5000;
const base = Array.from({ length: BASE }, () => ({ p: sentence(), a: sentence() }));
const lines = base.map((b) => row(b.p, b.a));
const plantedNear = new Set<string>();
for (let i = 0; i < 300; i++) {
  const src = Math.floor(rnd() * BASE);
  const k = 1 + (i % 3); // 1, 2 or 3 substituted words
  lines.push(row(mutate(base[src].p, k), base[src].a));
  plantedNear.add(`${src + 1}:${lines.length}`);
}
const evalItems: { id: string; prompt: string }[] = Array.from({ length: 400 }, (_, i) => ({ id: `g${i}`, prompt: sentence().join(" ") }));
const plantedLeak = new Set<number>();
for (let i = 0; i < 200; i++) {
  const e = evalItems[i];
  const words = e.prompt.split(" ");
  lines.push(row(i < 100 ? words : mutate(words, 1 + (i % 2)), sentence()));
  plantedLeak.add(lines.length);
}
t = performance.now();
const a = auditRows(lines, [{ dataset: "golden", items: evalItems }]);
const auditMs = performance.now() - t;
const found = new Set(a.near_duplicates.map((p) => `${p.a}:${p.b}`));
const tpNear = [...found].filter((x) => plantedNear.has(x)).length;
const leaks = new Set(a.contamination.map((c) => c.row));
const tpLeak = [...leaks].filter((x) => plantedLeak.has(x)).length;
const pr = (tp: number, got: number, want: number): string => `precision ${(tp / Math.max(1, got)).toFixed(3)} (${tp}/${got}), recall ${(tp / want).toFixed(3)} (${tp}/${want})`;
console.log(`audit of ${lines.length} rows against 400 eval items: ${auditMs.toFixed(0)} ms`);
console.log(`near-duplicates (Jaccard ≥ ${a.jaccard_threshold}; planted: 100 each with 1, 2, 3 words substituted): ${pr(tpNear, found.size, plantedNear.size)}`);
for (const k of [1, 2, 3]) {
  const want = [...plantedNear].filter((_, i) => i % 3 === k - 1);
  console.log(`  ${k} word(s) substituted: recall ${(want.filter((x) => found.has(x)).length / want.length).toFixed(3)}`);
}
console.log(`contamination (planted: 100 exact, 100 with 1–2 words substituted): ${pr(tpLeak, leaks.size, plantedLeak.size)}`);

/**
 * Alignment data (docs/alignment-data.md): export throughput over 100k queue items, and the audit's
 * near-duplicate and contamination precision/recall on a constructed set with planted duplicates
 * and planted eval items. Run: node --import tsx bench/alignment.ts
 */
import { performance } from "node:perf_hooks";
import { agreement } from "../src/annotate/agreement.js";
import { auditRows } from "../src/annotate/data-audit.js";
import { exportQueue } from "../src/annotate/queue-export.js";
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

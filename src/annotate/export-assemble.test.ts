import assert from "node:assert/strict";
import { test } from "node:test";
import { assembleExport, diffExports } from "./export-assemble.js";
import type { Candidate, RowOrigin } from "./queue-export.js";
import type { SourceRows } from "./source-export.js";
import { sftRow } from "./training-formats.js";
import type { ExportRecord } from "./types.js";

function cand(key: string, answer: string, origin: RowOrigin): Candidate {
  return {
    row: sftRow([{ role: "user", content: `q ${key}` }], answer),
    prov: {
      row_key: key, origin, source: origin === "llm_judge" ? "judge_pair" : "model_answer", from: "test", queue: null, trace_ids: [key], model: "sim", route: "sim", target: "sim",
      prompt: null, prompt_version: null, traced_at: null, labelled_at: null, reviewers: [], consensus: {}, agreement: null, licence: "CC0-1.0",
      ...(origin === "llm_judge" ? { judge: { model: "judge", system_fingerprint: "fp-1", fingerprint: "abc" } } : {}),
    },
  };
}
const part = (spec: string, candidates: Candidate[], removed: Record<string, number> = {}, read = candidates.length): SourceRows => ({ spec, candidates, read, removed, queue: null });
const base = { format: "sft" as const, maxSyntheticShare: 0.2, output: "jsonl" as const, now: 1000, filters: {} };

test("synthetic/judge share: stated on the card, warned above the maximum, refused with strict", async () => {
  const human = part("feedback", [cand("a", "A", "user_feedback"), cand("b", "B", "human_expert"), cand("c", "C", "human_generalist")]);
  const judged = part("pairwise:run1", [cand("d", "D", "llm_judge"), cand("e", "E", "synthetic")]);
  const ok = await assembleExport([human], base);
  assert.deepEqual([ok.synthetic_share, ok.warnings], [0, []]);
  assert.match(ok.card, /Synthetic or LLM-judge rows: 0\.0% \(0 of 3\); maximum 20\.0%, warn/);
  const mixed = await assembleExport([human, judged], base);
  assert.equal(mixed.synthetic_share, 0.4);
  assert.deepEqual(mixed.warnings, ["40.0% of the rows (2 of 5) are LLM-judge or synthetic, above the maximum share 20.0%"]);
  assert.match(mixed.card, /Synthetic\/judge share above the maximum:\*\* 40\.0%/);
  assert.match(mixed.card, /LLM judges: judge \(system_fingerprint fp-1\) \(1\)/);
  assert.deepEqual(mixed.counts.origins, { user_feedback: 1, human_expert: 1, human_generalist: 1, llm_judge: 1, synthetic: 1 });
  await assert.rejects(() => assembleExport([human, judged], { ...base, strict: true }), /Export refused: 40\.0% of the rows \(2 of 5\) are LLM-judge or synthetic, above the maximum share 20\.0% \(--strict/);
  assert.equal((await assembleExport([human, judged], { ...base, strict: true, maxSyntheticShare: 0.4 })).warnings.length, 0);
});

test("the content hash covers the rows only: another time, card or output type gives the same hash", async () => {
  const p = part("feedback", [cand("a", "A", "user_feedback")]);
  const a = await assembleExport([p], base);
  const b = await assembleExport([p], { ...base, now: 99_999, output: "parquet", filters: { since: 5 } });
  assert.equal(a.sha256, b.sha256);
  assert.notEqual(a.card, b.card);
  assert.ok(b.parquet_base64 && Buffer.from(b.parquet_base64, "base64").subarray(0, 4).toString() === "PAR1");
  assert.notEqual((await assembleExport([part("feedback", [cand("a", "A2", "user_feedback")])], base)).sha256, a.sha256);
});

test("no qualifying rows: the message counts, per source, what each filter removed", async () => {
  await assert.rejects(
    () => assembleExport([part("feedback", [], { "feedback (none on the trace)": 4, "sign (negative feedback, no correction)": 2, unused: 0 }, 6), part("dataset:golden", [], { "pairing (a dataset item has no rejected answer)": 3 }, 3)], { ...base, format: "dpo" }),
    /Export as dpo from feedback, dataset:golden has no qualifying rows \(feedback: 6 read, 0 rows; removed by feedback \(none on the trace\): 4, sign \(negative feedback, no correction\): 2; dataset:golden: 3 read, 0 rows; removed by pairing \(a dataset item has no rejected answer\): 3\)\./,
  );
});

function record(a: Awaited<ReturnType<typeof assembleExport>>): ExportRecord {
  return { hash: a.sha256, format: a.format, sources: a.sources, filters: {}, counts: a.counts, card: a.card, jsonl: a.jsonl, provenance: a.provenance, actor: null, createdAt: 1 };
}

test("diff: rows added, removed and changed by their stable row key; a repeated key is numbered", async () => {
  const a = record(await assembleExport([part("s", [cand("k1", "one", "user_feedback"), cand("k2", "two", "user_feedback"), cand("k3", "three", "user_feedback"), cand("k3", "three bis", "user_feedback")])], base));
  const b = record(await assembleExport([part("s", [cand("k1", "one", "user_feedback"), cand("k2", "TWO", "user_feedback"), cand("k4", "four", "user_feedback"), cand("k3", "three", "user_feedback")])], base));
  const d = diffExports(a, b);
  assert.deepEqual([d.added, d.removed, d.changed, d.unchanged], [1, 1, 1, 2]);
  assert.deepEqual(d.rows.added.map((x) => x.key), ["k4"]);
  assert.deepEqual(d.rows.removed.map((x) => x.key), ["k3#2"]);
  assert.deepEqual(d.rows.changed.map((x) => [x.key, (x.after as { messages: { content: string }[] }).messages[1].content]), [["k2", "TWO"]]);
  assert.deepEqual([diffExports(a, a).changed, diffExports(a, a).unchanged], [0, 4]);
});

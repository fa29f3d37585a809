import assert from "node:assert/strict";
import { test } from "node:test";
import { krippendorffAlpha } from "../evals/stats/krippendorff.js";
import { agreement } from "./agreement.js";
import { sampleQueue } from "./annotation-store.contract.js";
import { checkLabel } from "./label-check.js";
import { balanceByLength, exportQueue } from "./queue-export.js";
import { createQueueInput } from "./queue-schema.js";
import type { LabelRecord, QueueItem } from "./types.js";

const q = sampleQueue("q");
const item = (i: number, prompt: string, output: string): QueueItem => ({
  id: `it_${i}`, queueId: q.id, position: i, traceId: `req_${i}`, input: [{ role: "user", content: prompt }], output,
  model: "sim", route: "sim", promptName: "p", promptVersion: 2, feature: null, tracedAt: 1000 + i, state: "done",
});
const label = (itemId: string, reviewer: "ann" | "bob", helpful: number, correction: string | null = null): LabelRecord => ({
  queueId: q.id, itemId, reviewer, expertise: reviewer === "ann" ? "expert" : "generalist", values: { helpful }, critique: null, correction, at: 2000,
});

test("labels outside the rubric's scale are refused naming the allowed values", () => {
  assert.throws(() => checkLabel(q.rubric, { reviewer: "ann", values: { helpful: 9 } }), /outside the scale of 'helpful'; allowed: integers 1\.\.5/);
  assert.throws(() => checkLabel(q.rubric, { reviewer: "ann", values: { tone: 1, helpful: 1 } }), /Unknown rubric dimension 'tone'; the rubric has: helpful/);
  const nominal = { dimensions: [{ name: "ok", scale: { kind: "nominal" as const, labels: ["good", "bad"] } }], critique: "required" as const };
  assert.throws(() => checkLabel(nominal, { reviewer: "ann", values: { ok: "meh" }, critique: "x" }), /allowed: "good", "bad"/);
  assert.throws(() => checkLabel(nominal, { reviewer: "ann", values: { ok: "good" } }), /requires a critique/);
  assert.deepEqual(checkLabel(nominal, { reviewer: "ann", values: { ok: "good" }, critique: "fine" }), { ok: "good" });
});

test("a rubric's pass must lie on its scale", () => {
  const bad = (pass: unknown, scale: unknown): boolean => !createQueueInput.safeParse({ name: "q", rubric: { dimensions: [{ name: "d", scale, pass }] }, reviewers: [{ name: "a", expertise: "expert" }], reviewers_per_item: 1 }).success;
  assert.equal(bad(["meh"], { kind: "nominal", labels: ["good", "bad"] }), true);
  assert.equal(bad(9, { kind: "ordinal", min: 1, max: 5 }), true);
  assert.equal(bad(["good"], { kind: "nominal", labels: ["good", "bad"] }), false);
  assert.equal(bad(4, { kind: "interval", min: 1, max: 5 }), false);
});

test("agreement: alpha equals the statistics module's, with a CI; pair kappa; reviewer vs expert consensus", () => {
  const ratings = [[5, 5], [1, 2], [4, 4], [2, 1], [5, 4], [1, 1]];
  const labels = ratings.flatMap(([a, b], i) => [label(`it_${i}`, "ann", a), label(`it_${i}`, "bob", b)]);
  const r = agreement(q, labels, { resamples: 200 });
  const expected = krippendorffAlpha(ratings, "ordinal");
  assert.equal(r.dimensions[0].alpha.value, expected.value);
  assert.ok(r.dimensions[0].alpha_ci && r.dimensions[0].alpha_ci.low <= expected.value! && r.dimensions[0].alpha_ci.high >= expected.value! - 1e-9);
  assert.equal(r.pairs.length, 1);
  assert.equal(r.pairs[0].n, 6);
  assert.equal(r.pairs[0].percent.value, 3 / 6);
  const bob = r.reviewers.find((x) => x.reviewer === "bob")!;
  assert.equal(bob.n, 6);
  assert.equal(bob.agreement.value, 3 / 6);
  // ann is the only expert: nobody else's consensus to compare her with.
  assert.equal(r.reviewers.find((x) => x.reviewer === "ann"), undefined);
  assert.equal(r.overall, expected.value);
  assert.equal(r.meets_threshold, expected.value! >= 0.8);
});

test("export: SFT keeps passing answers and corrections; DPO pairs best vs worst per prompt; min_agreement gates without force", () => {
  const items = [item(0, "capital of France?", "Paris."), item(1, "capital of France?", "Lyon."), item(2, "2+2?", "5"), { ...item(3, "x", "y"), state: "pending" as const }];
  const labels = [label("it_0", "ann", 5), label("it_0", "bob", 5), label("it_1", "ann", 1), label("it_1", "bob", 1), label("it_2", "ann", 1, "4"), label("it_2", "bob", 2)];
  const open = { ...q, minAgreement: null };
  const report = agreement(open, labels, { resamples: 100 });
  assert.equal(report.meets_threshold, true);
  const sft = exportQueue(open, items, labels, report, "sft", { now: 3000 });
  assert.deepEqual(sft.jsonl.trim().split("\n").map((l) => JSON.parse(l)), [
    { messages: [{ role: "user", content: "capital of France?" }, { role: "assistant", content: "Paris." }] },
    { messages: [{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }] },
  ]);
  const prov = sft.provenance.trim().split("\n").map((l) => JSON.parse(l));
  assert.deepEqual([prov[0].trace_ids, prov[0].origin, prov[0].source, prov[0].prompt_version, prov[1].source], [["req_0"], "human_expert", "model_answer", 2, "correction"]);
  const dpo = exportQueue(open, items, labels, report, "dpo", { now: 3000 });
  assert.deepEqual(dpo.jsonl.trim().split("\n").map((l) => JSON.parse(l)), [
    { prompt: [{ role: "user", content: "2+2?" }], chosen: [{ role: "assistant", content: "4" }], rejected: [{ role: "assistant", content: "5" }] },
    { prompt: [{ role: "user", content: "capital of France?" }], chosen: [{ role: "assistant", content: "Paris." }], rejected: [{ role: "assistant", content: "Lyon." }] },
  ]);
  assert.match(dpo.card, /Rows: 2/);
  assert.match(dpo.card, new RegExp(dpo.sha256));

  const strict = { ...q, minAgreement: 0.99 };
  const low = agreement(strict, [...labels.slice(0, 4), label("it_2", "ann", 1), label("it_2", "bob", 5)], { resamples: 100 });
  assert.equal(low.meets_threshold, false);
  assert.throws(() => exportQueue(strict, items, labels, low, "kto", { now: 1 }), /below its min_agreement 0\.99; export refused \(force it with --force/);
  const forced = exportQueue(strict, items, labels, low, "kto", { now: 1, force: true });
  assert.match(forced.card, /Exported below the agreement threshold \(forced\)/);
});

test("an export with no qualifying rows says which filter removed them", () => {
  const items = [item(0, "a", "b"), { ...item(1, "c", "d"), state: "in_review" as const }];
  const labels = [label("it_0", "ann", 1), label("it_0", "bob", 1)];
  const report = { ...agreement(q, labels, { resamples: 10 }), meets_threshold: true };
  assert.throws(() => exportQueue(q, items, labels, report, "sft", { now: 1 }), /the pass filter removed all 1 done items/);
  assert.throws(() => exportQueue(q, items, labels, report, "openai-dpo", { now: 1 }), /the pairing filter removed all 1 done items/);
  assert.throws(() => exportQueue(q, [items[1]], [], report, "kto", { now: 1 }), /the state filter removed all 1 items/);
  const pairItems = [item(0, "p", "a long good answer"), item(1, "p", "bad")];
  const pairLabels = [label("it_0", "ann", 5), label("it_0", "bob", 5), label("it_1", "ann", 1), label("it_1", "bob", 1)];
  assert.equal(exportQueue(q, pairItems, pairLabels, report, "dpo", { now: 1 }).rows, 1);
  assert.throws(() => exportQueue(q, pairItems, pairLabels, report, "dpo", { now: 1, balance: true }), /the length balance removed all 1 pairs/);
});

test("length balancing keeps as many longer-chosen as shorter-chosen pairs, in order, and every equal pair", () => {
  const rows: [number, number][] = [[9, 1], [8, 2], [1, 9], [7, 3], [5, 5], [2, 8], [6, 1]];
  assert.deepEqual(balanceByLength(rows, (r) => r), [[9, 1], [8, 2], [1, 9], [5, 5], [2, 8]]);
  assert.deepEqual(balanceByLength([[3, 1], [4, 1]] as [number, number][], (r) => r), []);
});

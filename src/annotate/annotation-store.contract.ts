import assert from "node:assert/strict";
import { test } from "node:test";
import type { AnnotationStore, ExportRecord, QueueItem, QueueRecord } from "./types.js";

export function sampleQueue(name: string, id = `aq_${name}`): QueueRecord {
  return {
    id, name, description: null, createdAt: 1000,
    filter: { sample: 1, limit: 10 },
    rubric: { dimensions: [{ name: "helpful", scale: { kind: "ordinal", min: 1, max: 5 } }], critique: "optional" },
    reviewers: [{ name: "ann", expertise: "expert" }, { name: "bob", expertise: "generalist" }],
    reviewersPerItem: 2, minAgreement: 0.8, licence: null,
  };
}

export function sampleItems(queueId: string, n: number): Omit<QueueItem, "state">[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `it_${i}`, queueId, position: i, traceId: `req_${i}`,
    input: [{ role: "user" as const, content: `question ${i}` }], output: `answer ${i}`,
    model: "sim", route: "sim", promptName: null, promptVersion: null, feature: null, tracedAt: 500 + i,
  }));
}

export function sampleExport(hash: string, createdAt: number, rows = 1): ExportRecord {
  return {
    hash, format: "sft", sources: ["queue:q"], filters: { balance: false }, createdAt, actor: "admin",
    counts: { rows, origins: { human_expert: rows }, sources: { model_answer: rows }, synthetic_share: 0 },
    card: `# card ${hash}`, jsonl: '{"messages":[]}\n'.repeat(rows), provenance: '{"row":1}\n'.repeat(rows),
  };
}

/** What callers of an AnnotationStore rely on, for any backend. */
export function annotationStoreContract(label: string, make: () => AnnotationStore | Promise<AnnotationStore>): void {
  test(`${label}: a queue and its items round-trip; a taken name writes nothing`, async () => {
    const s = await make();
    assert.equal(await s.createQueue(sampleQueue("q1"), sampleItems("aq_q1", 3)), true);
    assert.deepEqual(await s.getQueue("q1"), sampleQueue("q1"));
    assert.equal(await s.createQueue(sampleQueue("q1", "aq_other"), sampleItems("aq_other", 2)), false);
    assert.equal((await s.items("aq_other")).length, 0);
    const items = await s.items("aq_q1");
    assert.deepEqual(items.map((i) => i.id), ["it_0", "it_1", "it_2"]);
    assert.deepEqual(items[1], { ...sampleItems("aq_q1", 3)[1], state: "pending" });
    assert.equal(await s.getQueue("missing"), undefined);
  });

  test(`${label}: queues list by name, compared bytewise (upper case before lower)`, async () => {
    const s = await make();
    for (const n of ["b", "a", "C", "a-b", "a_b"]) await s.createQueue(sampleQueue(n), []);
    assert.deepEqual((await s.listQueues()).map((q) => q.name), ["C", "a", "a-b", "a_b", "b"]);
  });

  test(`${label}: states are set per item and counted for every state`, async () => {
    const s = await make();
    await s.createQueue(sampleQueue("q"), sampleItems("aq_q", 4));
    await s.setState("aq_q", "it_0", "done");
    await s.setState("aq_q", "it_1", "skipped");
    await s.setState("aq_q", "it_2", "in_review");
    assert.deepEqual(await s.stateCounts("aq_q"), { pending: 1, in_review: 1, done: 1, skipped: 1 });
    assert.equal((await s.getItem("aq_q", "it_1"))?.state, "skipped");
    assert.equal(await s.getItem("aq_q", "nope"), undefined);
  });

  test(`${label}: a reviewer's second label replaces the first; labels order by item position, then time`, async () => {
    const s = await make();
    await s.createQueue(sampleQueue("q"), sampleItems("aq_q", 2));
    const base = { queueId: "aq_q", critique: null, correction: null };
    await s.putLabel({ ...base, itemId: "it_1", reviewer: "ann", expertise: "expert", values: { helpful: 2 }, at: 10 });
    await s.putLabel({ ...base, itemId: "it_0", reviewer: "bob", expertise: "generalist", values: { helpful: 4 }, at: 20 });
    await s.putLabel({ ...base, itemId: "it_0", reviewer: "ann", expertise: "expert", values: { helpful: 5 }, at: 15 });
    await s.putLabel({ ...base, itemId: "it_1", reviewer: "ann", expertise: "expert", values: { helpful: 3 }, at: 30, critique: "fixed" });
    const all = await s.labels("aq_q");
    assert.deepEqual(all.map((l) => [l.itemId, l.reviewer, l.values.helpful]), [["it_0", "ann", 5], ["it_0", "bob", 4], ["it_1", "ann", 3]]);
    assert.equal(all[2].critique, "fixed");
    assert.deepEqual((await s.itemLabels("aq_q", "it_0")).map((l) => l.reviewer), ["ann", "bob"]);
  });

  test(`${label}: export records are immutable and keyed by hash; they list newest first, ties by hash`, async () => {
    const s = await make();
    assert.equal(await s.putExport(sampleExport("bb", 20)), true);
    assert.deepEqual(await s.getExport("bb"), sampleExport("bb", 20));
    // The same hash again changes nothing: not the time, not the card.
    assert.equal(await s.putExport({ ...sampleExport("bb", 99, 3), card: "other" }), false);
    assert.deepEqual(await s.getExport("bb"), sampleExport("bb", 20));
    await s.putExport(sampleExport("aa", 20));
    await s.putExport(sampleExport("cc", 30));
    await s.putExport(sampleExport("dd", 10));
    assert.deepEqual((await s.listExports(10)).map((r) => r.hash), ["cc", "aa", "bb", "dd"]);
    assert.deepEqual((await s.listExports(2)).map((r) => r.hash), ["cc", "aa"]);
    assert.equal(await s.getExport("missing"), undefined);
  });
}

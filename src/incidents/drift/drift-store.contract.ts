import { test } from "node:test";
import assert from "node:assert/strict";
import type { DriftBaseline, DriftRun, DriftStore } from "./drift-store.js";

const base = (model: string, prompt: string, over: Partial<DriftBaseline> = {}): DriftBaseline => ({
  model, prompt, answer: `answer to ${prompt}`, embedding: "AACAPwAAAEA=", served: `${model}-2026`, fingerprint: "fp_1", scores: { length: 0.5 }, at: 100, ...over,
});
const run = (model: string, at: number, drifted: boolean): DriftRun => ({ at, model, drifted, body: { prompts: 2, note: `${model}@${at}` } });

/** The `DriftStore` contract (`sqlite-drift-store.test.ts`); every call is awaited. */
export function driftStoreContract(label: string, make: () => DriftStore | Promise<DriftStore>): void {
  test(`${label}: baselines are per model, keyed by prompt, and upserted by (model, prompt)`, async () => {
    const s = await make();
    await s.record(run("gpt", 100, false), [base("gpt", "p1"), base("gpt", "p2", { embedding: null, fingerprint: null })]);
    await s.record(run("claude", 100, false), [base("claude", "p1")]);
    await s.record(run("gpt", 200, true), [base("gpt", "p1", { answer: "changed", scores: { length: 0.9 }, at: 200 })]);
    const gpt = await s.baselines("gpt");
    assert.deepEqual([...gpt.keys()].sort(), ["p1", "p2"]);
    assert.deepEqual(gpt.get("p1"), base("gpt", "p1", { answer: "changed", scores: { length: 0.9 }, at: 200 }));
    assert.deepEqual(gpt.get("p2"), base("gpt", "p2", { embedding: null, fingerprint: null }));
    assert.equal((await s.baselines("claude")).size, 1);
    assert.equal((await s.baselines("none")).size, 0);
  });

  test(`${label}: a prompt's baseline given twice in one record keeps the later one`, async () => {
    const s = await make();
    await s.record(run("gpt", 100, false), [base("gpt", "p1"), base("gpt", "p1", { answer: "second", at: 101 })]);
    assert.deepEqual((await s.baselines("gpt")).get("p1"), base("gpt", "p1", { answer: "second", at: 101 }));
    assert.equal((await s.runs(0, 1000, false)).length, 1);
  });

  test(`${label}: runs in [since, until), newest first, optionally drifted only, bounded by the limit`, async () => {
    const s = await make();
    for (const [at, drifted] of [[100, false], [200, true], [300, false], [400, true], [500, true]] as const) await s.record(run("gpt", at, drifted), []);
    assert.deepEqual((await s.runs(200, 500, false)).map((r) => r.at), [400, 300, 200]);
    assert.deepEqual((await s.runs(0, 1000, true)).map((r) => r.at), [500, 400, 200]);
    assert.deepEqual((await s.runs(0, 1000, false, 2)).map((r) => r.at), [500, 400]);
    assert.deepEqual((await s.runs(0, 1000, false)).at(-1), run("gpt", 100, false), "a run round-trips");
  });
}

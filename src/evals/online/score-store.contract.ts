import { test } from "node:test";
import assert from "node:assert/strict";
import type { TraceStore } from "../../observe/types.js";
import { sampleTrace } from "../../observe/sample-trace.js";
import type { Feedback, OnlineRuleRecord, OnlineRuleStore, ScoreStore, TraceScore } from "./types.js";

const T0 = Date.UTC(2031, 0, 1);
const iso = (ms: number): string => new Date(ms).toISOString();
const score = (traceId: string, over: Partial<TraceScore> = {}): TraceScore => ({
  trace_id: traceId, name: "faithfulness", source: "online", rule_id: "rule_1", status: "scored", score: 0.8, passed: true,
  label: "faithful", explanation: "grounded", cost_usd: 0.0001, created_at: iso(T0 + 1000), ...over,
});

/** Scores and the traces they attach to (summaries group by trace attributes). */
export interface ScoreSetup {
  scores: ScoreStore;
  traces: Pick<TraceStore, "insertBatch">;
}

/** The `ScoreStore` contract (`sqlite-score-store.test.ts`); every call is awaited. */
export function scoreStoreContract(label: string, make: () => ScoreSetup | Promise<ScoreSetup>): void {
  test(`${label}: scores are idempotent per (trace, name, source, rule) and listed in insertion order`, async () => {
    const { scores: s } = await make();
    assert.equal(await s.addScores([score("req_1"), score("req_1", { name: "relevance", score: null, passed: null, status: "undefined" })]), 2);
    assert.equal(await s.addScores([score("req_1", { score: 0.1 })]), 0, "re-scoring changes nothing");
    assert.equal(await s.addScores([]), 0);
    assert.equal(await s.addScores([score("req_1", { source: "api", rule_id: "" })]), 1);
    const got = await s.scores("req_1");
    assert.deepEqual(got.map((x) => `${x.name}/${x.source}`), ["faithfulness/online", "relevance/online", "faithfulness/api"]);
    assert.deepEqual(got[0], score("req_1"));
    assert.deepEqual(got[1], score("req_1", { name: "relevance", score: null, passed: null, status: "undefined" }));
    assert.deepEqual(await s.scores("req_none"), []);
  });

  test(`${label}: a score repeated within one batch is added once (the first stands)`, async () => {
    const { scores: s } = await make();
    assert.equal(await s.addScores([score("req_1"), score("req_1", { score: 0.1 }), score("req_1", { name: "relevance" })]), 2);
    assert.deepEqual((await s.scores("req_1")).map((x) => `${x.name}=${x.score}`), ["faithfulness=0.8", "relevance=0.8"]);
  });

  test(`${label}: hasScores asks about one rule's online scores of one trace`, async () => {
    const { scores: s } = await make();
    await s.addScores([score("req_1"), score("req_2", { source: "api", rule_id: "rule_2" })]);
    assert.equal(await s.hasScores("req_1", "rule_1"), true);
    assert.equal(await s.hasScores("req_1", "rule_9"), false);
    assert.equal(await s.hasScores("req_2", "rule_2"), false, "API scores are not a rule's");
  });

  test(`${label}: feedback round-trips in time order`, async () => {
    const { scores: s } = await make();
    const up: Feedback = { id: "fb_2", trace_id: "req_1", key_id: "key_a", thumbs: "up", score: null, comment: "great", correction: null, created_at: iso(T0 + 2000) };
    const down: Feedback = { id: "fb_1", trace_id: "req_1", key_id: null, thumbs: "down", score: 0.2, comment: null, correction: "say X", created_at: iso(T0 + 1000) };
    await s.addFeedback(up);
    await s.addFeedback(down);
    assert.deepEqual(await s.feedback("req_1"), [down, up]);
    assert.deepEqual(await s.feedback("req_2"), []);
  });

  test(`${label}: summaries aggregate scored rows per name and trace attribute, over the score's time`, async () => {
    const { scores: s, traces } = await make();
    await traces.insertBatch([
      sampleTrace(1, { id: "req_1", modelRequested: "fast", promptName: "support", promptVersion: 2 }),
      sampleTrace(2, { id: "req_2", modelRequested: "smart" }),
      sampleTrace(3, { id: "req_3", modelRequested: "fast" }),
    ]);
    await s.addScores([
      score("req_1", { score: 1, passed: true }),
      score("req_2", { score: 0.5, passed: false }),
      score("req_3", { score: null, passed: null, status: "error", created_at: iso(T0 + 5000) }),
      score("req_gone", { score: 0 }),
    ]);
    const byModel = await s.summary({ groupBy: "model" });
    assert.deepEqual(byModel, [
      { name: "faithfulness", group: "fast", count: 2, scored: 1, mean: 1, pass_rate: 1 },
      { name: "faithfulness", group: "smart", count: 1, scored: 1, mean: 0.5, pass_rate: 0 },
    ], "a score whose trace is gone drops out");
    assert.deepEqual((await s.summary({ groupBy: "prompt" })).map((r) => r.group), [null, "support@2"]);
    assert.deepEqual((await s.summary({ groupBy: "none", until: T0 + 5000 }))[0].count, 2);
    assert.deepEqual(await s.summary({ groupBy: "none", name: "relevance" }), []);
  });

  test(`${label}: means per prompt version count scored rows created since a time`, async () => {
    const { scores: s, traces } = await make();
    await traces.insertBatch([sampleTrace(1, { id: "req_1", promptName: "support", promptVersion: 3 }), sampleTrace(2, { id: "req_2" })]);
    await s.addScores([
      score("req_1", { score: 0.6 }), score("req_1", { rule_id: "rule_2", score: 0.8 }), score("req_2", { score: 0.2 }),
      score("req_2", { rule_id: "old", score: 0.9, created_at: iso(T0 - 60_000) }), score("req_2", { rule_id: "err", status: "error", score: null }),
    ]);
    const means = (await s.meansByPrompt(T0)).map((m) => ({ ...m, mean: Math.round(m.mean * 1000) / 1000 }));
    assert.deepEqual(means.sort((a, b) => String(a.prompt).localeCompare(String(b.prompt))), [
      { name: "faithfulness", source: "online", prompt: null, mean: 0.2, samples: 1 },
      { name: "faithfulness", source: "online", prompt: "support@v3", mean: 0.7, samples: 2 },
    ]);
  });
}

const rule = (id: string, name: string, over: Partial<OnlineRuleRecord> = {}): OnlineRuleRecord => ({
  id, name, enabled: true, body: { evaluator: { kind: "contains", value: "x" }, sample: 0.5 }, created_at: iso(T0), updated_at: iso(T0), ...over,
});

/** The `OnlineRuleStore` contract (`sqlite-score-store.test.ts`); every call is awaited. */
export function onlineRuleStoreContract(label: string, make: () => OnlineRuleStore | Promise<OnlineRuleStore>): void {
  test(`${label}: rules are upserted by id (keeping their creation time), listed by name, deleted once`, async () => {
    const s = await make();
    await s.put(rule("r2", "b"));
    await s.put(rule("r1", "c"));
    await s.put(rule("r1", "a", { enabled: false, body: { changed: true }, created_at: iso(T0 + 9), updated_at: iso(T0 + 10) }));
    assert.deepEqual((await s.list()).map((r) => r.name), ["a", "b"]);
    assert.deepEqual(await s.get("r1"), rule("r1", "a", { enabled: false, body: { changed: true }, updated_at: iso(T0 + 10) }));
    assert.equal(await s.get("nope"), undefined);
    assert.equal(await s.delete("r1"), true);
    assert.equal(await s.delete("r1"), false);
    assert.deepEqual((await s.list()).map((r) => r.id), ["r2"]);
  });

  test(`${label}: a name is unique across rules`, async () => {
    const s = await make();
    await s.put(rule("r1", "same"));
    await assert.rejects(async () => s.put(rule("r2", "same")));
    assert.deepEqual((await s.list()).map((r) => r.id), ["r1"]);
  });
}

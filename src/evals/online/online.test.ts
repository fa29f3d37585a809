import { test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../observe/log.js";
import { SqliteTraceStore } from "../../observe/sqlite-trace-store.js";
import type { TraceRecord } from "../../observe/types.js";
import { SqliteSettingsStore } from "../../store/sqlite-settings-store.js";
import { openMemorySqlite } from "../../storage/sqlite.js";
import { bagOfWordsEmbedder, simJudge } from "../testing/sim-clients.js";
import { recordFeedback } from "./feedback.js";
import { OnlineEvaluator } from "./online-evaluator.js";
import { matchesRule, type OnlineRule, onlineRuleInput, sampled } from "./rules.js";
import { SqliteOnlineRuleStore, SqliteScoreStore } from "./sqlite-score-store.js";
import { StoredTraceFeed } from "./trace-feed.js";

const T0 = 1_750_000_000_000;
let seq = 0;
function trace(over: Partial<TraceRecord> = {}): TraceRecord {
  seq++;
  return {
    id: `req_${String(seq).padStart(4, "0")}`, startedAt: T0 + seq * 10, endedAt: T0 + seq * 10 + 5, endpoint: "chat", keyId: "key_a", user: null, feature: "support",
    modelRequested: "sim", modelServed: "sim", provider: "sim", status: "ok", httpStatus: 200, errorCode: null, errorMessage: null, latencyMs: 5, ttftMs: 5,
    tokensIn: 10, tokensOut: 5, tokensCached: 0, usageSource: "provider", costUsd: 0.001, stream: false, traceId: null, parentSpanId: null, metadata: {},
    target: null, attempts: [],
    requestBody: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "Where is my refund?" }] }),
    responseBody: JSON.stringify({ choices: [{ message: { role: "assistant", content: "Your refund was sent." } }] }),
    ...over,
  } as TraceRecord;
}
const rule = (over: Record<string, unknown> = {}): OnlineRule => ({ ...onlineRuleInput.parse({ name: "r", sample_rate: 1, evaluators: [{ kind: "regex", pattern: "refund" }], ...over }), id: "orl_1" });

test("rules match on model, feature, key, prompt, status and metadata; eval traffic is never sampled", () => {
  assert.equal(matchesRule(rule(), trace()), true);
  assert.equal(matchesRule(rule({ filter: { model: "gpt" } }), trace()), false);
  assert.equal(matchesRule(rule({ filter: { feature: "support", key_id: "key_a" } }), trace()), true);
  assert.equal(matchesRule(rule(), trace({ status: "error" })), false, "ok traces only by default");
  assert.equal(matchesRule(rule({ filter: { status: "any" } }), trace({ status: "error" })), true);
  assert.equal(matchesRule(rule({ filter: { prompt: "support@3" } }), trace({ promptName: "support", promptVersion: 3 })), true);
  assert.equal(matchesRule(rule({ filter: { prompt: "support@2" } }), trace({ promptName: "support", promptVersion: 3 })), false);
  assert.equal(matchesRule(rule({ filter: { metadata: { tier: "gold" } } }), trace({ metadata: { tier: "gold" } })), true);
  assert.equal(matchesRule(rule(), trace({ feature: "keel-eval" })), false, "judge calls are not evaluated online");
});

test("sampling is deterministic per (trace, rule) and close to the rate", () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `req_${i}`);
  const share = ids.filter((id) => sampled(id, "orl_1", 0.1)).length / ids.length;
  assert.ok(Math.abs(share - 0.1) < 0.01, String(share));
  assert.equal(sampled("req_1", "orl_1", 0.1), sampled("req_1", "orl_1", 0.1));
  assert.equal(sampled("x", "y", 0), false);
  assert.equal(sampled("x", "y", 1), true);
});

function setup() {
  const db = openMemorySqlite();
  const traces = new SqliteTraceStore(db);
  const settings = new SqliteSettingsStore(db);
  const rules = new SqliteOnlineRuleStore(db);
  const scores = new SqliteScoreStore(db);
  const feed = () => new StoredTraceFeed(traces, settings, { now: () => T0, maxCallMs: 600_000 });
  const judge = simJudge([{ match: "\\[ANSWER\\]\\nYour refund", json: { score: 5, reasoning: "clear" } }, { match: ".", json: { score: 2 } }]);
  const make = (f = feed(), contextOf?: (t: TraceRecord) => readonly string[] | undefined) => new OnlineEvaluator({ feed: f, rules, scores, judgeFor: (cred) => (cred === "judge-key" ? judge : undefined), embedder: bagOfWordsEmbedder, log: silentLogger, ...(contextOf ? { contextOf } : {}) }, { intervalMs: 1000, batch: 100 });
  const put = (name: string, body: Record<string, unknown>) => {
    const parsed = onlineRuleInput.parse({ name, ...body });
    rules.put({ id: `orl_${name}`, name, enabled: parsed.enabled, body: parsed, created_at: new Date(T0).toISOString(), updated_at: new Date(T0).toISOString() });
  };
  return { db, traces, settings, rules, scores, feed, make, put, judge };
}

test("online evaluator: scores sampled traces once, with deterministic evaluators and a sim judge; skips uncaptured bodies", async () => {
  const s = setup();
  s.put("refunds", { sample_rate: 1, filter: { feature: "support" }, evaluators: [{ kind: "regex", name: "mentions_refund", pattern: "refund" }, { kind: "latency", max_ms: 3 }, { kind: "judge_rubric", name: "helpful", model: "sim", criteria: "helpful" }], judge_credential: "judge-key" });
  const ev = s.make();
  const a = trace();
  const b = trace({ feature: "search" });
  const c = trace({ requestBody: null });
  const d = trace({ feature: "keel-eval" });
  s.traces.insertBatch([a, b, c, d]);
  const stats = await ev.tick();
  assert.deepEqual(stats, { examined: 4, matched: 2, scored: 3, skipped: 1 });
  const got = s.scores.scores(a.id);
  assert.deepEqual(got.map((x) => [x.name, x.score, x.passed, x.source]), [["mentions_refund", 1, true, "online"], ["latency", 0, false, "online"], ["helpful", 1, true, "online"]]);
  assert.equal(s.judge.calls, 1);
  assert.deepEqual(await ev.tick(), { examined: 0, matched: 0, scored: 0, skipped: 0 }, "nothing new");
  const e = trace();
  s.traces.insertBatch([e]);
  assert.equal((await ev.tick()).scored, 3);
  const fresh = s.make(s.feed());
  s.traces.insertBatch([trace()]);
  const after = await fresh.tick();
  assert.equal(after.scored, 3, "a restarted feed resumes at its persisted watermark: only the new trace is scored");
  assert.ok(after.examined < 7, "it looks back only over the short overlap window");
  assert.equal(s.scores.scores(a.id).length, 3, "no trace is scored twice");
});

test("online RAG scoring: faithfulness of a live answer against the context its call retrieved; without one it is no_context", async () => {
  const s = setup();
  s.put("grounded", { sample_rate: 1, evaluators: [{ kind: "faithfulness" }] });
  const supported = trace({ traceId: "t-supported" });
  const unsupported = trace({ traceId: "t-unsupported" });
  const none = trace();
  s.traces.insertBatch([supported, unsupported, none]);
  const retrieved: Record<string, string[]> = {
    "t-supported": ["Your refund was sent to your card yesterday."],
    "t-unsupported": ["Shipping to Norway takes four days."],
  };
  await s.make(s.feed(), (t) => (t.traceId ? retrieved[t.traceId] : undefined)).tick();
  const [a] = s.scores.scores(supported.id);
  const [b] = s.scores.scores(unsupported.id);
  const [c] = s.scores.scores(none.id);
  assert.deepEqual([a.status, a.passed], ["scored", true]);
  assert.deepEqual([b.status, b.passed], ["scored", false]);
  assert.equal(c.status, "undefined");
  assert.match(String(c.explanation), /no retrieved context/);
});

test("a rule whose judge credential is missing is skipped with a warning, not a crash", async () => {
  const s = setup();
  s.put("nojudge", { sample_rate: 1, evaluators: [{ kind: "judge_correctness", model: "sim" }], judge_credential: "absent" });
  s.traces.insertBatch([trace()]);
  assert.deepEqual(await s.make().tick(), { examined: 1, matched: 1, scored: 0, skipped: 1 });
});

test("feedback becomes a user_feedback score; summaries group by a trace attribute", async () => {
  const s = setup();
  const t1 = trace({ modelRequested: "m1" });
  const t2 = trace({ modelRequested: "m2" });
  s.traces.insertBatch([t1, t2]);
  recordFeedback(s.scores, { trace_id: t1.id, thumbs: "up", comment: "great" }, "key_a", T0);
  recordFeedback(s.scores, { trace_id: t2.id, thumbs: "down", correction: "It was sent on Monday." }, null, T0);
  recordFeedback(s.scores, { trace_id: t2.id, comment: "only a comment" }, null, T0);
  assert.equal(s.scores.feedback(t2.id).length, 2);
  assert.ok(s.scores.feedback(t2.id).some((f) => f.correction === "It was sent on Monday." && f.thumbs === "down"));
  const by = s.scores.summary({ name: "user_feedback", groupBy: "model" });
  assert.deepEqual(by.map((r) => [r.group, r.count, r.mean, r.pass_rate]), [["m1", 1, 1, 1], ["m2", 1, 0, 0]]);
  assert.deepEqual(s.scores.summary({ groupBy: "none" }).map((r) => [r.name, r.count]), [["user_feedback", 2]]);
});

test("with no enabled rule a pass reads and writes nothing, and a rule enabled afterwards starts where it was enabled", async () => {
  const s = setup();
  let clock = T0;
  const ev = s.make(new StoredTraceFeed(s.traces, s.settings, { now: () => clock, maxCallMs: 600_000 }));
  const before = [trace(), trace()];
  s.traces.insertBatch(before);
  let reads = 0;
  let writes = 0;
  const get = s.traces.get.bind(s.traces);
  s.traces.get = (id: string) => {
    reads++;
    return get(id);
  };
  const endedSince = s.traces.endedSince.bind(s.traces);
  s.traces.endedSince = (...a) => {
    reads++;
    return endedSince(...a);
  };
  const set = s.settings.set.bind(s.settings);
  s.settings.set = (k: string, v: string) => {
    writes++;
    set(k, v);
  };
  assert.deepEqual(await ev.tick(), { examined: 0, matched: 0, scored: 0, skipped: 0 });
  assert.deepEqual(await ev.tick(), { examined: 0, matched: 0, scored: 0, skipped: 0 });
  assert.deepEqual([reads, writes], [0, 0], "nothing was read or written while nothing could score it");
  // Enabled after the first two finished; one more finishes before the next pass, and is scored.
  clock = before[1].endedAt + 1;
  const parsed = onlineRuleInput.parse({ name: "refunds", sample_rate: 1, evaluators: [{ kind: "regex", pattern: "refund" }] });
  s.rules.put({ id: "orl_refunds", name: "refunds", enabled: true, body: parsed, created_at: new Date(clock).toISOString(), updated_at: new Date(clock).toISOString() });
  const later = trace({ startedAt: clock + 10, endedAt: clock + 15 });
  s.traces.insertBatch([later]);
  clock += 5000;
  const stats = await ev.tick();
  assert.equal(stats.examined, 1, "the traces that finished before the rule are not scored");
  assert.equal(s.scores.scores(later.id).length, 1);
});

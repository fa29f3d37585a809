import { test } from "node:test";
import assert from "node:assert/strict";
import { startSimServer } from "../../providers/sim/server.js";
import { simOptionsSchema } from "../../providers/sim/options.js";
import type { DatasetItem } from "../datasets/item-schema.js";
import { buildEvaluators, evaluatorConfigSchema } from "../evaluators/registry.js";
import { simJudge } from "../testing/sim-clients.js";
import { MemoryOutputCache } from "./cache.js";
import { createHttpClient, type HttpClient } from "../../http/client.js";
import { HttpCallError, postJson } from "./http-call.js";
import { etaMs, formatProgress, progressBar } from "./progress.js";
import { RateGate } from "./rate-gate.js";
import { runEval } from "./run-eval.js";
import type { ItemResult } from "./run-types.js";
import { summarize } from "./summary.js";
import { parseSuite } from "./suite.js";
import type { Target } from "./target.js";
import { gatewayTarget, httpTarget } from "./targets.js";
import { renderJson, renderText } from "./template.js";

const item = (id: string, input: string, expected?: string, extra: Partial<DatasetItem> = {}): DatasetItem =>
  ({ id, input, expected, tags: [], provenance: { source: "human" }, ...extra }) as DatasetItem;

test("templates: strict variables, nested paths, typed whole-value substitution", () => {
  assert.equal(renderText("Q: {{input}} ({{ meta.lang }})", { input: "hi", meta: { lang: "en" } }), "Q: hi (en)");
  assert.equal(renderText("{{context}}", { context: ["a", "b"] }), "a\n\nb");
  assert.throws(() => renderText("{{missing}}", {}), /\{\{missing\}\} is not defined/);
  assert.deepEqual(renderJson({ q: "{{input}}", docs: "{{context}}", n: 3, s: "x {{input}}" }, { input: "hi", context: ["a"] }), { q: "hi", docs: ["a"], n: 3, s: "x hi" });
});

test("suites: YAML with ${VAR} expansion, per-kind evaluator validation, thresholds must name a metric", () => {
  const yaml = `
name: capitals
dataset: qa
target: { type: http, url: "https://example.test/ask", headers: { authorization: "Bearer \${TOKEN}" }, output: { text: answer } }
evaluators:
  - { kind: exact }
  - { kind: contains, name: mentions, values: [Paris] }
thresholds: { exact: { mean: 0.8 } }
`;
  const s = parseSuite(yaml, "s.yaml", { TOKEN: "t0k" });
  assert.equal(s.target.type === "http" && s.target.headers.authorization, "Bearer t0k");
  assert.deepEqual(s.dataset, { name: "qa" });
  assert.equal(s.repeats, 1);
  assert.throws(() => parseSuite(yaml, "s.yaml", {}), /s\.yaml: environment variable TOKEN is not set/);
  assert.throws(() => parseSuite(yaml.replace("exact: { mean", "nope: { mean"), "s.yaml", { TOKEN: "x" }), /thresholds\.nope: no evaluator/);
  assert.throws(() => parseSuite(yaml.replace("{ kind: exact }", "{ kind: regex }"), "s.yaml", { TOKEN: "x" }), /invalid suite\n.*evaluators\.0/);
  assert.throws(() => parseSuite(yaml.replace("name: mentions", "name: exact"), "s.yaml", { TOKEN: "x" }), /evaluators\.1: duplicate metric name "exact"/);
});

test("rate gate: a 429 halves the limit and pauses everyone; successes grow it back", async () => {
  let now = 0;
  const gate = new RateGate(8, () => now);
  gate.onRateLimited(50);
  assert.equal(gate.limit, 4);
  let got = false;
  const p = gate.acquire().then((release) => {
    got = true;
    release();
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(got, false, "paused");
  now = 50;
  await p; // the pause timer (50 ms real time) wakes the waiter once the clock has passed
  assert.equal(got, true);
  for (let i = 0; i < 4; i++) gate.onSuccess();
  assert.equal(gate.limit, 5);
  const held = await Promise.all(Array.from({ length: 5 }, () => gate.acquire()));
  let sixth = false;
  const q = gate.acquire().then((r) => ((sixth = true), r));
  await new Promise((r) => setImmediate(r));
  assert.equal(sixth, false, "at most `limit` in flight");
  held[0]();
  (await q)();
  assert.equal(sixth, true);
  held.slice(1).forEach((r) => r());
});

test("HTTP: a 429 with Retry-After: 0 is retried and then succeeds; a 400 is not retried", async () => {
  const sim = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim" }) });
  try {
    const gate = new RateGate(4);
    const body = { model: "sim-1", messages: [{ role: "user", content: "hi" }] };
    let calls = 0;
    const real = createHttpClient();
    // First attempt rate-limited by the simulator's fault header, the retry without it.
    const client = {
      request: (req) => {
        calls++;
        return real.request({ ...req, headers: { ...req.headers, ...(calls === 1 ? { "x-keel-sim": "fail=429; retry_after=0" } : {}) } });
      },
    } as Pick<HttpClient, "request"> as HttpClient;
    try {
      const r = await postJson(`${sim.url}/v1/chat/completions`, body, {}, { gate, retries: 2, timeoutMs: 10_000, client });
      assert.equal(r.status, 200);
      assert.equal(r.attempts, 2);
      assert.equal(calls, 2);
      assert.equal(gate.limit, 2, "the 429 halved the gate (one success is not yet enough to grow it)");
    } finally {
      await real.close();
    }
    await assert.rejects(postJson(`${sim.url}/v1/chat/completions`, { model: "x" }, {}, { gate, retries: 3, timeoutMs: 10_000 }), (e: unknown) => e instanceof HttpCallError && e.status === 400);
    await assert.rejects(postJson(`${sim.url}/v1/chat/completions`, body, { "x-keel-sim": "fail=503" }, { gate, retries: 1, timeoutMs: 10_000, random: () => 0 }), /HTTP 503/);
  } finally {
    await sim.close();
  }
});

test("progress: bar, percentage, ETA from the mean time per task, running cost", () => {
  const s = { done: 25, total: 100, costUsd: 0.0123, errors: 2, elapsedMs: 10_000 };
  assert.equal(etaMs(s), 30_000);
  assert.equal(etaMs({ ...s, done: 0 }), null);
  const line = formatProgress(s, 80);
  assert.match(line, /^\[#+-+\] 25\/100\s+25%  ETA 30s  \$0\.0123  2 errors$/);
  const out: string[] = [];
  const bar = progressBar({ write: (x: string) => out.push(x), isTTY: false });
  for (let d = 0; d <= 10; d++) bar.update({ ...s, done: d, total: 10 });
  bar.end({ ...s, done: 10, total: 10 });
  assert.equal(out.length, 11, "piped: one line per 10% step, nothing extra at the end");
  const tty: string[] = [];
  const t = progressBar({ write: (x: string) => tty.push(x), isTTY: true, columns: 60 }, () => 0);
  t.update({ ...s, done: 1, total: 10 });
  t.update({ ...s, done: 2, total: 10 });
  assert.equal(tty.length, 1, "TTY: redraws at most every 100 ms");
  assert.match(tty[0], /^\r\[/);
});

/** A target whose answer, cost and failures are scripted per item id. */
function fakeTarget(answers: Record<string, string>, o: { cost?: number; failFor?: string } = {}): Target & { calls: number } {
  const t = {
    calls: 0,
    fingerprint: "fake",
    description: "fake",
    prepare: (i: DatasetItem) => ({ payload: { id: i.id }, inputText: String(i.input) }),
    async send(call: { payload: unknown }) {
      t.calls++;
      const id = (call.payload as { id: string }).id;
      if (id === o.failFor) throw new Error("HTTP 500 after retries");
      return { text: answers[id] ?? "", tool_calls: [], latency_ms: 5, cost_usd: o.cost ?? 0.01, request_id: null, model: null };
    },
  };
  return t;
}

test("runner: repeats, repeat-major order, target errors recorded, cache reused on the second run", async () => {
  const items = [item("a", "q1", "Paris"), item("b", "q2", "Rome"), item("c", "q3", "Oslo")];
  const evaluators = buildEvaluators([evaluatorConfigSchema.parse({ kind: "exact" })], {});
  const cache = new MemoryOutputCache();
  const target = fakeTarget({ a: "Paris", b: "Lyon" }, { failFor: "c" });
  const results: ItemResult[] = [];
  const out = await runEval({ items, repeats: 2, target, evaluators, concurrency: 1, cache, onResult: (r) => void results.push(r) });
  assert.deepEqual(out, { status: "completed", done: 6, total: 6, costUsd: 0.04, errors: 2 });
  assert.deepEqual(results.map((r) => `${r.item_id}${r.repeat}`), ["a0", "b0", "c0", "a1", "b1", "c1"]);
  assert.equal(results[2].error, "HTTP 500 after retries");
  assert.equal(cache.size, 4, "outputs cached per repeat");
  const again: ItemResult[] = [];
  const t2 = fakeTarget({ a: "Paris", b: "Lyon" }, { failFor: "c" });
  const second = await runEval({ items, repeats: 2, target: t2, evaluators, concurrency: 3, cache, onResult: (r) => void again.push(r) });
  assert.equal(t2.calls, 2, "only the failed item is called again");
  assert.equal(second.costUsd, 0, "cached outputs cost nothing now");
  assert.ok(again.filter((r) => r.output?.cached).length === 4);
  const s = summarize(results, [{ name: "exact", kind: "exact", family: "deterministic", threshold: 1 }], { exact: { mean: 0.6, pass_rate: 0.5 } }, 2);
  assert.deepEqual([s.items, s.results, s.target_errors], [3, 6, 2]);
  const m = s.metrics[0];
  assert.deepEqual([m.items, m.mean, m.pass_rate, m.repeat_variance], [2, 0.5, 0.5, 0]);
  assert.deepEqual(m.checks.map((c) => c.ok), [false, true]);
  assert.equal(s.passed, false);
});

test("runner: --budget stops dispatching; whole repeats come first", async () => {
  const items = [item("a", "1"), item("b", "2"), item("c", "3")];
  const results: ItemResult[] = [];
  const out = await runEval({
    items, repeats: 3, target: fakeTarget({}, { cost: 0.5 }), evaluators: [], concurrency: 1, budgetUsd: 1.9,
    onResult: (r) => void results.push(r),
  });
  assert.equal(out.status, "budget_exceeded");
  assert.equal(out.done, 4, "0.5 × 4 = 2.0 ≥ 1.9: the fourth task is the last dispatched");
  assert.deepEqual(results.map((r) => r.repeat), [0, 0, 0, 1]);
});

test("runner: repeats with a noisy judge give mean and within-item variance", async () => {
  let n = 0;
  const noisy = { async complete() {
    const score = [5, 3][n++ % 2];
    return { completion: { id: "x", object: "chat.completion", created: 0, model: "j", choices: [{ index: 0, message: { role: "assistant", content: JSON.stringify({ score }) }, finish_reason: "stop" }] }, costUsd: 0.001, latencyMs: 1, requestId: null };
  } } as never;
  const evaluators = buildEvaluators([evaluatorConfigSchema.parse({ kind: "judge_rubric", model: "j", criteria: "good" })], { judge: noisy });
  const results: ItemResult[] = [];
  await runEval({ items: [item("a", "q")], repeats: 2, target: fakeTarget({ a: "x" }), evaluators, concurrency: 1, onResult: (r) => void results.push(r) });
  const m = summarize(results, [{ name: "judge_rubric", kind: "judge_rubric", family: "judge", threshold: 0.5 }], {}, 2).metrics[0];
  // ratings 5 and 3 on 1–5 → scores 1 and 0.5: mean 0.75, sample variance (0.25² · 2) / 1 = 0.125
  assert.equal(m.mean, 0.75);
  assert.equal(m.repeat_variance, 0.125);
  assert.ok(Math.abs(m.cost_usd - 0.002) < 1e-12);
});

test("runner: abort cancels", async () => {
  const ac = new AbortController();
  ac.abort(new Error("stop"));
  const out = await runEval({ items: [item("a", "1")], repeats: 1, target: fakeTarget({}), evaluators: [], concurrency: 1, signal: ac.signal, onResult: () => {} });
  assert.equal(out.status, "cancelled");
});

test("gateway target: item input, messages templates, registered prompts; http target: paths into the response", async () => {
  const judge = simJudge([{ match: "France", text: "Paris" }]);
  const t = gatewayTarget({ type: "gateway", model: "sim", params: { temperature: 0 }, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Capital of {{country}}?" }] }, judge);
  const call = t.prepare(item("x", "ignored", undefined, { variables: { country: "France" } }));
  assert.deepEqual(call.payload, { temperature: 0, model: "sim", messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Capital of France?" }] });
  assert.equal(call.inputText, "Capital of France?");
  const out = await t.send(call);
  assert.equal(out.text, "Paris");
  assert.ok(out.cost_usd > 0);
  const p = gatewayTarget({ type: "gateway", prompt: { name: "support", label: "prod" }, params: {} }, judge).prepare(item("y", "help me", undefined, { variables: { tier: "gold" } }));
  assert.deepEqual(p.payload, { prompt: { name: "support", label: "prod", variables: { tier: "gold", input: "help me" } } });
  assert.throws(() => gatewayTarget({ type: "gateway", model: "sim", params: {} }, judge).prepare({ id: "v", variables: { a: 1 }, tags: [], provenance: { source: "human" } } as DatasetItem), /only variables/);

  const sim = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", rules: [{ match: "Capital", text: "Oslo" }] }) });
  try {
    const h = httpTarget({ type: "http", url: `${sim.url}/v1/chat/completions`, headers: {}, body: { model: "sim-1", messages: [{ role: "user", content: "{{input}}" }] } }, new RateGate(2), { retries: 0, timeoutMs: 10_000 });
    const r = await h.send(h.prepare(item("z", "Capital of Norway?")));
    assert.equal(r.text, "Oslo");
    const mapped = httpTarget({ type: "http", url: `${sim.url}/v1/chat/completions`, headers: {}, body: { model: "sim-1", messages: [{ role: "user", content: "{{input}}" }] }, output: { text: "choices[0].message.content", context: "choices" } }, new RateGate(2), { retries: 0, timeoutMs: 10_000 });
    const r2 = await mapped.send(mapped.prepare(item("z", "Capital?")));
    assert.equal(r2.text, "Oslo");
    assert.equal(r2.context?.length, 1);
  } finally {
    await sim.close();
  }
});

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { startSimServer } from "../providers/sim/server.js";
import { simOptionsSchema } from "../providers/sim/options.js";
import { startTestKeel } from "../testing/keel-fixture.js";
import { until } from "../testing/until.js";
import { EngineScraper } from "./engine-scraper.js";
import { quantile, readEngine } from "./engine-state.js";

const page = (name: string): string => readFileSync(new URL(`./testdata/${name}.prom`, import.meta.url), "utf8");
const close = (a: number | null, b: number): void => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} ≠ ${b}`);

test("quantiles from cumulative buckets interpolate inside the bucket, as histogram_quantile does", () => {
  const b = { "0.1": 20, "0.25": 60, "0.5": 90, "1": 100, "+Inf": 100 };
  close(quantile(0.5, b), 0.1 + 0.15 * (30 / 40));
  close(quantile(0.95, b), 0.75);
  close(quantile(0.1, b), 0.05);
  // A rank in the +Inf bucket answers the highest finite bound; an empty histogram answers nothing.
  close(quantile(0.99, { "1": 10, "+Inf": 20 }), 1);
  assert.equal(quantile(0.5, { "1": 0, "+Inf": 0 }), null);
});

test("vLLM (v1 names): queue, KV usage, prefix hits, TTFT/ITL percentiles, speculative acceptance", () => {
  const { figures: f } = readEngine("vllm", page("vllm"), undefined, 1_000);
  assert.equal(f.running, 12);
  assert.equal(f.waiting, 3);
  assert.equal(f.kvUsage, 0.42);
  close(f.prefixHitRate, 0.25);
  close(f.ttftP50Ms, 212.5);
  close(f.ttftP95Ms, 750);
  close(f.itlP50Ms, 15);
  close(f.specAcceptanceRate, 0.6);
  // vLLM's mean acceptance length: 1 + accepted ÷ drafts.
  close(f.specMeanAcceptanceLength, 2.8);
  // 3000 drafted tokens in 1000 drafts: k = 3.
  close(f.specDraftLength, 3);
  // Rates need two scrapes.
  assert.equal(f.generationTokensPerS, null);
  assert.equal(f.preemptions, null);
});

test("a second scrape turns counters into rates and histograms into the interval's percentiles; a reset is not a rate", () => {
  const first = readEngine("vllm", page("vllm"), undefined, 10_000);
  const later = page("vllm")
    .replace('prefix_cache_queries_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 10000.0', 'prefix_cache_queries_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12000.0')
    .replace('prefix_cache_hits_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 2500.0', 'prefix_cache_hits_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 3500.0')
    .replace("50000.0", "51000.0")
    .replace('num_preemptions_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 7.0', 'num_preemptions_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 9.0')
    // ten new first tokens, all above 0.5 s and at most 1 s
    .replace(/(time_to_first_token_seconds_bucket\{engine="0",le="1.0",[^}]*\}) 100.0/, "$1 110.0")
    .replace(/(time_to_first_token_seconds_bucket\{engine="0",le="\+Inf",[^}]*\}) 100.0/, "$1 110.0");
  const { figures: f } = readEngine("vllm", later, first.raw, 15_000);
  // No drafts in the interval: the draft figures stay the lifetime ones instead of vanishing.
  close(f.specAcceptanceRate, 0.6);
  close(f.specDraftLength, 3);
  close(f.prefixHitRate, 0.5);
  close(f.generationTokensPerS, 200);
  assert.equal(f.preemptions, 2);
  // Only the interval's ten observations count: all in (0.5, 1].
  close(f.ttftP50Ms, 750);
  const reset = readEngine("vllm", page("vllm").replace("50000.0", "10.0"), readEngine("vllm", later, first.raw, 15_000).raw, 20_000);
  assert.equal(reset.figures.generationTokensPerS, null);
});

test("older vLLM names, SGLang, TGI and llama.cpp pages map to the same figures", () => {
  const old = readEngine("vllm", page("vllm-0.8"), undefined, 0).figures;
  assert.equal(old.kvUsage, 0.97);
  assert.equal(old.prefixHitRate, 0.3);
  close(old.itlP50Ms, 25);
  const sg = readEngine("sglang", page("sglang"), undefined, 0).figures;
  assert.deepEqual([sg.running, sg.waiting, sg.kvUsage, sg.prefixHitRate, sg.generationTokensPerS, sg.specMeanAcceptanceLength], [8, 4, 0.52, 0.28, 812.5, 2.4]);
  close(sg.ttftP50Ms, 400);
  const tgi = readEngine("tgi", page("tgi"), undefined, 0).figures;
  assert.deepEqual([tgi.running, tgi.waiting, tgi.kvUsage], [6, 2, null]);
  close(tgi.itlP50Ms, 30);
  const ll = readEngine("llamacpp", page("llamacpp"), undefined, 0).figures;
  assert.deepEqual([ll.running, ll.waiting, ll.kvUsage, ll.generationTokensPerS], [1, 2, 0.25, 38.5]);
  // A page that is not Prometheus text yields no figures, not a crash.
  const junk = readEngine("vllm", "<html>not metrics</html>", undefined, 0).figures;
  assert.equal(junk.running, null);
});

test("a failing endpoint backs off and goes stale; figures are never used once stale", async () => {
  let now = 0;
  let fail = false;
  const calls: number[] = [];
  const s = new EngineScraper(new Map([["vllm/m", { kind: "vllm", metrics_url: "http://127.0.0.1:9/metrics", interval_ms: 1000, timeout_ms: 100 }]]), async () => {
    calls.push(now);
    if (fail) throw new Error("connect ECONNREFUSED");
    return page("vllm");
  }, () => now);
  await s.tick();
  assert.equal(s.view("vllm/m")?.stale, false);
  assert.equal(s.fresh("vllm/m")?.running, 12);
  fail = true;
  for (now = 1000; now <= 10_000; now += 250) await s.tick();
  // Failures at 1 s, then after 2 s, 4 s: backoff doubles (3 tries in 9 s, not 9).
  assert.deepEqual(calls, [0, 1000, 3000, 7000]);
  const v = s.view("vllm/m");
  assert.equal(v?.stale, true);
  assert.equal(v?.lastError, "connect ECONNREFUSED");
  assert.equal(s.fresh("vllm/m"), null);
  assert.equal(s.view("other/x"), null);
});

test("end to end: Keel scrapes the simulator's vLLM page into /api/v1/targets; an unreachable page is stale and never touches requests", async () => {
  const sim = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", models: ["sim-1"], prefix_cache_blocks: 64 }) });
  const dead = createServer((_req, res) => res.destroy());
  await new Promise<void>((r) => dead.listen(0, "127.0.0.1", r));
  const deadUrl = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/metrics`;
  const keel = await startTestKeel({
    providers: [
      { name: "vllm-a", kind: "openai", base_url: `${sim.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
      { name: "vllm-b", kind: "openai", base_url: `${sim.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
    ],
    routes: [{
      name: "llama", strategy: "failover", targets: [
        { provider: "vllm-a", model: "sim-1", engine: { kind: "vllm", metrics_url: `${sim.url}/metrics`, interval_ms: 1000 } },
        { provider: "vllm-b", model: "sim-1", engine: { kind: "vllm", metrics_url: deadUrl, interval_ms: 1000, timeout_ms: 200 } },
      ],
    }],
  });
  try {
    const prompt = "You are a support assistant for a bakery. ".repeat(20);
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${keel.url}/v1/chat/completions`, {
        method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "llama", messages: [{ role: "system", content: prompt }, { role: "user", content: `question ${i}` }], max_tokens: 8 }),
      });
      assert.equal(r.status, 200, await r.text());
    }
    type T = { id: string; engine: { stale: boolean; last_error: string | null; kv_cache_usage: number | null; prefix_cache_hit_rate: number | null; ttft_ms: { p50: number | null } } | null };
    const targets = async (): Promise<T[]> => (await keel.admin("GET", "/api/v1/targets")).json.data as T[];
    const engineOf = async (id: string): Promise<NonNullable<T["engine"]>> => (await targets()).find((x) => x.id === id)!.engine!;
    await until(async () => {
      const e = await engineOf("vllm-a/sim-1");
      return !e.stale && (e.prefix_cache_hit_rate ?? 0) > 0;
    }, "the simulator's metrics scraped", 8000);
    const a = await engineOf("vllm-a/sim-1");
    // The same system prompt four times: later calls find its blocks in the simulator's prefix cache.
    assert.ok(a.prefix_cache_hit_rate! > 0.3 && a.prefix_cache_hit_rate! < 1, String(a.prefix_cache_hit_rate));
    assert.ok(a.kv_cache_usage! > 0 && a.kv_cache_usage! <= 1);
    assert.ok(a.ttft_ms.p50 !== null);
    const b = (await targets()).find((x) => x.id === "vllm-b/sim-1")!.engine!;
    assert.equal(b.stale, true);
    assert.ok(b.last_error !== null);
  } finally {
    await keel.close();
    await sim.close();
    dead.close();
  }
});

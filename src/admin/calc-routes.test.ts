/** The calculators over the admin API: the CLI's figures, 400s naming the field, live inputs from the sim's engine page and stored traces. */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { alphaFromAcceptanceLength } from "../calc/live.js";
import { memoryReport } from "../calc/reports.js";
import { expectedSpeedup, expectedTokens, specdec } from "../calc/specdec.js";
import { decode } from "../calc/decode.js";
import { GPUS, MODELS } from "../calc/presets.js";
import { simOptionsSchema } from "../providers/sim/options.js";
import { type SimServer, startSimServer } from "../providers/sim/server.js";
import { runCli } from "../testing/cli-process.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";
import { until } from "../testing/until.js";

const close = (a: number, b: number, eps = 1e-9): void => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(b)), `${a} ≠ ${b}`);

let sim: SimServer;
let keel: TestKeel;
before(async () => {
  // A draft model of 4 tokens accepted with α = 0.7, as the sim's vLLM page reports it.
  sim = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", models: ["sim-1"], speculative: { draft_tokens: 4, acceptance: 0.7 } }) });
  keel = await startTestKeel({
    providers: [
      { name: "vllm-a", kind: "openai", base_url: `${sim.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
      { name: "vllm-b", kind: "openai", base_url: `${sim.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
    ],
    // vllm-b's page is a closed port: its engine figures are stale; failover never sends it a call.
    routes: [{ name: "llama", strategy: "failover", targets: [
      { provider: "vllm-a", model: "sim-1", engine: { kind: "vllm", metrics_url: `${sim.url}/metrics`, interval_ms: 1000 } },
      { provider: "vllm-b", model: "sim-1", engine: { kind: "vllm", metrics_url: "http://127.0.0.1:9/metrics", interval_ms: 1000, timeout_ms: 200 } },
    ] }],
  });
});
after(async () => {
  await keel.close();
  await sim.close();
});

const calc = (path: string, body: unknown): Promise<{ status: number; json: any }> => keel.admin("POST", `/api/v1/calc/${path}`, body);

test("POST /api/v1/calc/*: the same figures as keel calc --json, numbers or strings", async () => {
  const mem = await calc("memory", { model: "llama-3.1-8b", batch: 16 });
  assert.equal(mem.status, 200, JSON.stringify(mem.json));
  assert.deepEqual(mem.json, JSON.parse(JSON.stringify(memoryReport({ model: "llama-3.1-8b", batch: "16" }))));
  assert.equal(mem.json.result.kvBytesPerToken, 131072);
  const cli = await runCli(["calc", "memory", "--model", "llama-3.1-8b", "--batch", "16", "--json"]);
  assert.deepEqual(JSON.parse(cli.out), mem.json);
  const dec = await calc("decode", { model: "llama-3.1-8b", gpu: "rtx-a6000", context: "1024", prompt_tokens: 1000 });
  assert.equal(dec.status, 200);
  close(dec.json.result.tokensPerSecondPerSequence, 768e9 / (8.03e9 * 2 + 1024 * 131072));
  assert.equal(dec.json.input.gpuSpec.bandwidth, 768e9);
  const sd = await calc("specdec", { alpha: 0.8, k: 3, cost_ratio: 0.1 });
  assert.equal(sd.status, 200);
  close(sd.json.expectedSpeedup, 2.952 / 1.3);
  assert.equal(sd.json.bestK, 6);
});

test("bad input: 400 naming the field and its valid range; unknown fields; oversized bodies", async () => {
  const cases: [string, unknown, string, RegExp][] = [
    ["memory", { model: "llama-3.1-8b", utilization: 1.2 }, "utilization", /utilization must be a number in \(0, 1\], got "1.2"/],
    ["memory", { model: "llama-3.1-8b", kv_heads: 64 }, "kv_heads", /kv_heads must be an integer in \[1, 32\]/],
    ["memory", { model: "gpt-9" }, "model", /model must be one of llama-2-7b.*or give params, layers/],
    ["memory", { layers: 32 }, "params", /params \(billions\) is required/],
    ["decode", { model: "llama-3.1-8b", efficiency: 0 }, "efficiency", /efficiency must be a number in \(0, 1\]/],
    ["decode", { model: "llama-3.1-8b", gpu: "tpu" }, "gpu", /gpu must be one of h100-sxm/],
    ["specdec", { alpha: 1.5, k: 3, cost_ratio: 0.1 }, "alpha", /alpha must be a number in \[0, 1\], got "1.5"/],
    ["specdec", { alpha: 0.5, k: 2.5, cost_ratio: 0.1 }, "k", /k must be an integer in \[1, 64\]/],
    ["specdec", { alpha: 0.5, k: 3 }, "cost_ratio", /cost_ratio is required \(a number in \[0, 10\]\)/],
    ["specdec", { alpha: 0.5, k: 3, cost_ratio: 0.1, temperature: 1 }, "temperature", /Unrecognized parameter/],
    ["memory", { model: "llama-3.1-8b", batch: true }, "batch", /Invalid 'batch'/],
    ["memory", { model: "llama-3.1-8b", from: "traces", days: 400 }, "days", /days must be an integer in \[1, 90\]/],
    ["specdec", { from: "engine", cost_ratio: 0.1 }, "target", /Missing required parameter: 'target'/],
  ];
  for (const [path, body, param, message] of cases) {
    const r = await calc(path, body);
    assert.equal(r.status, 400, `${path} ${JSON.stringify(body)}`);
    assert.equal(r.json.error.param, param, JSON.stringify(r.json));
    assert.match(r.json.error.message, message);
  }
  const big = await fetch(`${keel.url}/api/v1/calc/memory`, { method: "POST", headers: { authorization: `Bearer ${keel.adminToken}` }, body: JSON.stringify({ model: "x".repeat(10_000) }) });
  assert.equal(big.status, 413);
  const noAuth = await fetch(`${keel.url}/api/v1/calc/specdec`, { method: "POST", body: "{}" });
  assert.equal(noAuth.status, 401);
});

test("a viewer key may use the calculators (they change nothing); GET /api/v1/calc/presets lists models and GPUs with sources", async () => {
  const made = await keel.admin("POST", "/api/v1/keys", { name: "dash", role: "viewer" });
  const r = await fetch(`${keel.url}/api/v1/calc/specdec`, { method: "POST", headers: { authorization: `Bearer ${made.json.key}` }, body: JSON.stringify({ alpha: 0.6, k: 2, cost_ratio: 0.05 }) });
  assert.equal(r.status, 200);
  const p = await keel.admin("GET", "/api/v1/calc/presets");
  assert.equal(p.status, 200);
  const l8 = p.json.models.find((m: { id: string }) => m.id === "llama-3.1-8b");
  assert.equal(l8.kvHeads, MODELS["llama-3.1-8b"].kvHeads);
  assert.match(l8.source, /config\.json$/);
  assert.equal(p.json.gpus.find((g: { id: string }) => g.id === "h100-sxm").bandwidth, GPUS["h100-sxm"].bandwidth);
  assert.ok(p.json.gpus.every((g: { source: string }) => g.source.length > 0));
  assert.ok(p.json.precisions.includes("int4"));
});

test("α from the mean acceptance length inverts Leviathan's equation 1; the accepted share understates it", () => {
  for (const [a, k] of [[0.8, 3], [0.5, 5], [0.95, 2]]) close(alphaFromAcceptanceLength(expectedTokens(a, k), k), a, 1e-9);
  // α = 0.8, k = 3: 1.952 of 3 drafted tokens accepted per pass, a share of 0.65.
  close((expectedTokens(0.8, 3) - 1) / 3, 0.6506666666666666);
  assert.equal(alphaFromAcceptanceLength(1, 4), 0);
  assert.equal(alphaFromAcceptanceLength(5, 4), 1);
});

test("specdec from the engine: α and k measured on the sim's vLLM page, stale and unknown targets refused", async () => {
  const chat = (content: string, max: number): Promise<Response> => fetch(`${keel.url}/v1/chat/completions`, {
    method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "llama", messages: [{ role: "user", content }], max_tokens: max }),
  });
  // Scraped once before, then after these calls: the figures are the interval's drafts.
  await until(async () => ((await keel.admin("GET", "/api/v1/targets")).json.data[0].engine.last_ok_at !== null), "first scrape", 5000);
  for (let i = 0; i < 6; i++) assert.equal((await chat(`tell me about bread, part ${i}`, 200)).status, 200);
  await until(async () => ((await keel.admin("GET", "/api/v1/targets")).json.data[0].engine.spec_decode.draft_length !== null), "drafts scraped", 8000);
  const r = await calc("specdec", { from: "engine", target: "vllm-a/sim-1", cost_ratio: 0.05 });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  assert.equal(r.json.k, 4, "the draft length the engine ran");
  assert.equal(r.json.measured.draftLength, 4);
  assert.equal(r.json.measured.alphaFrom, "mean_acceptance_length");
  // The sim drafts at the expected tokens per pass (rounded up to whole passes): α comes back close to 0.7, the accepted share far below it.
  assert.ok(Math.abs(r.json.alpha - 0.7) < 0.05, String(r.json.alpha));
  assert.ok(r.json.measured.acceptanceRate < 0.5, String(r.json.measured.acceptanceRate));
  close(r.json.expectedSpeedup, expectedSpeedup(r.json.alpha, 4, 0.05));
  close(r.json.bestSpeedup, specdec(r.json.alpha, 4, 0.05).bestSpeedup);
  const k2 = await calc("specdec", { from: "engine", target: "vllm-a/sim-1", cost_ratio: 0.05, k: 2 });
  assert.equal(k2.json.k, 2);
  const stale = await calc("specdec", { from: "engine", target: "vllm-b/sim-1", cost_ratio: 0.1 });
  assert.equal(stale.status, 409);
  assert.match(stale.json.error.message, /"vllm-b\/sim-1" are stale \(never scraped successfully/);
  const none = await calc("specdec", { from: "engine", target: "nope/x", cost_ratio: 0.1 });
  assert.equal(none.status, 404);
  assert.equal(none.json.error.param, "target");
  const alpha = await calc("specdec", { from: "engine", target: "vllm-a/sim-1", cost_ratio: 0.1, alpha: 0.5 });
  assert.equal(alpha.json.error.param, "alpha");
  // The CLI reads the same endpoint.
  const cli = await runCli(["calc", "specdec", "--from-engine", "vllm-a/sim-1", "--cost-ratio", "0.05", "--url", keel.url, "--admin-token", keel.adminToken]);
  assert.equal(cli.code, 0, cli.err);
  assert.match(cli.out, /measured on\s+vllm-a\/sim-1: [\d.]+ tokens per pass/);
  assert.match(cli.out, /from the mean acceptance length/);
  const bad = await runCli(["calc", "specdec", "--from-engine", "vllm-a/sim-1", "--cost-ratio", "11", "--url", keel.url, "--admin-token", keel.adminToken]);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--cost-ratio must be a number in \[0, 10\], got "11"/);
});

test("decode and memory from traces: last week's prompt and output lengths, and what FP8 would have saved on them", async () => {
  const flushed = await keel.admin("GET", "/api/v1/traces?limit=1000");
  type T = { endpoint: string; status: string; tokens_in: number; tokens_out: number; model_requested: string };
  const chats = (flushed.json.data as T[]).filter((t) => t.endpoint === "chat" && t.status === "ok" && t.tokens_in > 0);
  assert.ok(chats.length >= 6, "the calls of the previous test are stored");
  const r = await calc("decode", { model: "llama-3.1-8b", gpu: "h100-sxm", batch: 8, from: "traces", compare_precision: "fp8" });
  assert.equal(r.status, 200, JSON.stringify(r.json));
  const t = r.json.traffic;
  assert.equal(t.stats.calls, chats.length);
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  const ins = chats.map((c) => c.tokens_in).sort((a, b) => a - b);
  const outs = chats.map((c) => c.tokens_out);
  assert.equal(t.stats.promptTokens.sum, sum(ins));
  assert.equal(t.stats.outputTokens.sum, sum(outs));
  // R-7 median of the sorted prompt lengths.
  const mid = (ins.length - 1) / 2;
  close(t.stats.promptTokens.p50, (ins[Math.floor(mid)] + ins[Math.ceil(mid)]) / 2);
  // GPU time by hand: prefill of every prompt token at half of 989 TFLOP/s; decode at batch 8 at the mean mid-answer context.
  const m = MODELS["llama-3.1-8b"];
  const ctx = Math.round(sum(ins) / ins.length + sum(outs) / outs.length / 2);
  const step = decode({ model: m, gpu: GPUS["h100-sxm"], gpus: 1, precision: "bf16", groupSize: 0, kvPrecision: "bf16", context: ctx, promptTokens: 1, batch: 8, blockSize: 16, efficiency: 0.5 });
  close(t.prefillHours, (2 * m.activeParams * sum(ins)) / (989e12 * 0.5) / 3600);
  close(t.decodeHours, sum(outs) / step.tokensPerSecondTotal / 3600);
  // FP8 weights halve the bytes read per step and use the FP8 tensor rate: it saves time, less than half.
  assert.ok(t.change.savedGpuHours > 0 && t.change.savedShare > 0.3 && t.change.savedShare < 0.75, JSON.stringify(t.change));
  close(t.change.gpuHours + t.change.savedGpuHours, t.gpuHours);
  // Only another model's calls: none.
  const other = await calc("decode", { model: "llama-3.1-8b", from: "traces", traffic_model: "no-such-model" });
  assert.equal(other.json.traffic, null);
  const mem = await calc("memory", { model: "llama-3.1-8b", from: "traces", compare_kv_precision: "fp8" });
  assert.equal(mem.status, 200);
  // Short sequences: FP8 KV fits about twice as many of them.
  const mt = mem.json.traffic;
  assert.ok(mt.maxBatchAtP95 > 0 && mt.change.maxBatchAtP95 >= 2 * mt.maxBatchAtP95 - 1, JSON.stringify(mt));
  const cli = await runCli(["calc", "decode", "--model", "llama-3.1-8b", "--batch", "8", "--from-traces", "--compare-precision", "fp8", "--url", keel.url, "--admin-token", keel.adminToken]);
  assert.equal(cli.code, 0, cli.err);
  assert.match(cli.out, new RegExp(`traffic, last 7 d\\s+${chats.length} calls; prompt p50`));
  assert.match(cli.out, /with weights fp8\s+[\d.]+ GPU-hours: saves [\d.]+ \([\d.]+%\)/);
});

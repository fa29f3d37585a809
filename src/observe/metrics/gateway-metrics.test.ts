import assert from "node:assert/strict";
import { test } from "node:test";
import { promtoolCheck } from "../../testing/promtool.js";
import type { TraceRecord } from "../types.js";
import { GatewayMetrics } from "./gateway-metrics.js";
import { metricsConfigSchema } from "./metrics-schema.js";

function trace(over: Partial<TraceRecord> = {}): TraceRecord {
  return {
    id: "req_1", startedAt: 0, endedAt: 1, endpoint: "chat", keyId: "key_a", user: "u1", feature: "checkout",
    modelRequested: "smart", modelServed: "gpt-5-mini", provider: "openai", status: "ok", httpStatus: 200,
    errorCode: null, errorMessage: null, latencyMs: 1200, ttftMs: 200, tokensIn: 100, tokensOut: 51, tokensCached: 0,
    usageSource: "provider", costUsd: 0.001, stream: true, traceId: null, parentSpanId: null, metadata: {},
    requestBody: null, responseBody: null, target: "openai/gpt-5-mini", attempts: [], promptName: null, promptVersion: null,
    promptLabel: null, guard: null, ...over,
  };
}

test("a streamed call feeds the GenAI histograms and Keel's counters", () => {
  const m = new GatewayMetrics(metricsConfigSchema.parse({}));
  m.observe(trace({ promptName: "support", promptVersion: 7, tokensCached: 40 }));
  const text = m.render();
  const genai = 'gen_ai_operation_name="chat",gen_ai_provider_name="openai",gen_ai_request_model="smart",gen_ai_response_model="gpt-5-mini"';
  assert.ok(text.includes(`gen_ai_client_operation_duration_seconds_bucket{${genai},error_type="",le="1.28"} 1`), text);
  assert.ok(text.includes(`gen_ai_client_operation_duration_seconds_bucket{${genai},error_type="",le="0.64"} 0`));
  assert.ok(text.includes(`gen_ai_server_time_to_first_token_seconds_sum{${genai}} 0.2`));
  // (1.2 s − 0.2 s) over the 50 tokens after the first.
  assert.ok(text.includes(`gen_ai_server_time_per_output_token_seconds_sum{${genai}} 0.02`));
  assert.ok(text.includes(`gen_ai_client_token_usage_sum{${genai},gen_ai_token_type="input"} 100`));
  assert.ok(text.includes(`gen_ai_client_token_usage_sum{${genai},gen_ai_token_type="output"} 51`));
  assert.ok(text.includes('keel_requests_total{status="ok",http_status="200",model="gpt-5-mini",provider="openai",route="smart",key="key_a",feature="checkout",prompt_version="support@v7"} 1'));
  assert.ok(text.includes('keel_cost_usd_total{model="gpt-5-mini",provider="openai",key="key_a",feature="checkout"} 0.001'));
  assert.ok(text.includes('keel_cache_hits_total{model="gpt-5-mini",provider="openai"} 1'));
  const check = promtoolCheck(text);
  assert.ok(check.ok, check.output);
});

test("errors, rejections, guard triggers, attempts and scrape-time sources", () => {
  const m = new GatewayMetrics(metricsConfigSchema.parse({}), {
    targets: () => [{ id: "openai/gpt-5-mini", inFlight: 2, breaker: { state: "open" } }],
    evalScores: () => [{ name: "helpfulness", source: "online", prompt: "support@v7", mean: 0.42, samples: 30 }],
    budgetEvents: () => [{ budget: "team-daily", kind: "soft_threshold", count: 3 }],
    traceWriter: () => ({ written: 10, dropped: 1, pending: 0 }),
  });
  m.observe(trace({ status: "error", httpStatus: 429, errorCode: "rate_limited", usageSource: "none", stream: false, ttftMs: null, modelServed: null, provider: null }));
  m.observe(trace({
    guard: [{ scanner: "pii", source: "input", score: 1, triggered: true, action: "redact", latency_ms: 1 }, { scanner: "secrets", source: "input", score: 0, triggered: false, action: "block", latency_ms: 1 }],
    attempts: [{ target: "openai/gpt-5-mini", provider: "openai", model: "gpt-5-mini", startMs: 0, waitMs: 0, durationMs: 5, ttftMs: 5, outcome: "error", errorCode: "upstream_error", upstreamStatus: 500, error: null }],
  }));
  const text = m.render();
  assert.ok(text.includes('keel_rate_limit_rejections_total{code="rate_limited",key="key_a",feature="checkout"} 1'));
  assert.ok(text.includes('error_type="rate_limited",le="+Inf"} 1'));
  assert.ok(text.includes('keel_guard_triggers_total{scanner="pii",action="redact",source="input"} 1'));
  assert.ok(!text.includes('scanner="secrets"'));
  assert.ok(text.includes('keel_upstream_attempts_total{target="openai/gpt-5-mini",outcome="error"} 1'));
  assert.ok(text.includes('keel_breaker_state{target="openai/gpt-5-mini",state="open"} 1'));
  assert.ok(text.includes('keel_breaker_state{target="openai/gpt-5-mini",state="closed"} 0'));
  assert.ok(text.includes('keel_eval_score{name="helpfulness",source="online",prompt_version="support@v7"} 0.42'));
  assert.ok(text.includes('keel_budget_events_total{budget="team-daily",kind="soft_threshold"} 3'));
  assert.ok(text.includes("keel_traces_dropped_total 1"));
  const check = promtoolCheck(text);
  assert.ok(check.ok, check.output);
});

test("key, user and feature labels stay bounded however many values arrive", () => {
  const m = new GatewayMetrics(metricsConfigSchema.parse({ labels: { key: { allow: ["key_vip"], top_n: 3 }, user: { top_n: 2 }, feature: { top_n: 1 } } }));
  for (let i = 0; i < 5000; i++) m.observe(trace({ keyId: `key_${i}`, user: `user_${i}`, feature: `f_${i % 50}` }));
  m.observe(trace({ keyId: "key_vip" }));
  const text = m.render();
  const keys = new Set([...text.matchAll(/^keel_requests_total\{.*key="([^"]+)"/gm)].map((x) => x[1]));
  assert.deepEqual([...keys].sort(), ["key_0", "key_1", "key_2", "key_vip", "other"]);
  const users = new Set([...text.matchAll(/^keel_user_requests_total\{user="([^"]+)"/gm)].map((x) => x[1]));
  assert.deepEqual([...users].sort(), ["other", "user_0", "user_1"]);
  const features = new Set([...text.matchAll(/^keel_cost_usd_total\{.*feature="([^"]+)"/gm)].map((x) => x[1]));
  assert.deepEqual([...features].sort(), ["f_0", "other"]);
  assert.ok(text.includes('key="other"'));
  assert.ok(promtoolCheck(text).ok);
});

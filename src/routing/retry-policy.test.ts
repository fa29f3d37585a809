import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError, upstreamCodeFor } from "../errors/errors.js";
import { backoffMs, classifyFailure, retryAfterMs } from "./retry-policy.js";
import { retrySchema } from "./route-schema.js";

const upstream = (status: number, retryAfter?: number): KeelError =>
  new KeelError(upstreamCodeFor(status), `HTTP ${status}`, { upstream: { provider: "p", status }, retryAfter });

test("retryable: connect errors, 408/409/429/5xx, timeouts, a stream broken before its first chunk", () => {
  for (const s of [408, 409, 429, 500, 502, 503, 504, 529]) assert.equal(classifyFailure(upstream(s), false), "retryable", `HTTP ${s}`);
  assert.equal(classifyFailure(new KeelError("upstream_unavailable", "ECONNREFUSED", { upstream: { provider: "p" } }), false), "retryable");
  assert.equal(classifyFailure(new KeelError("upstream_timeout", "first token"), false), "retryable");
  assert.equal(classifyFailure(new KeelError("upstream_error", "not JSON", { upstream: { provider: "p", status: 200 } }), false), "retryable");
  assert.equal(classifyFailure(new KeelError("upstream_stream_error", "cut"), false), "retryable");
});

test("not retryable: other 4xx, a stream broken after its first chunk, Keel's own errors", () => {
  for (const s of [400, 401, 403, 404, 413, 422]) assert.equal(classifyFailure(upstream(s), false), "final", `HTTP ${s}`);
  assert.equal(classifyFailure(new KeelError("upstream_stream_error", "cut"), true), "target_fault");
  assert.equal(classifyFailure(new KeelError("invalid_request", "bad x-keel-sim"), false), "final");
  assert.equal(classifyFailure(new Error("boom"), false), "final");
  assert.equal(classifyFailure(new DOMException("aborted", "AbortError"), false), "final");
});

test("full jitter: uniform in [0, min(max, base·2^k)]", () => {
  const cfg = retrySchema.parse({ backoff_base_ms: 100, backoff_max_ms: 1000 });
  assert.equal(backoffMs(0, cfg, () => 0.999999), 99);
  assert.equal(backoffMs(2, cfg, () => 0.5), 200);
  assert.equal(backoffMs(10, cfg, () => 0.999999), 999, "capped at backoff_max_ms");
  assert.equal(backoffMs(3, cfg, () => 0), 0);
  assert.equal(backoffMs(1000, cfg, () => 0.5), 500, "no overflow for large k");
});

test("Retry-After in ms from the KeelError", () => {
  assert.equal(retryAfterMs(upstream(429, 2)), 2000);
  assert.equal(retryAfterMs(upstream(429)), null);
  assert.equal(retryAfterMs(new Error("x")), null);
});

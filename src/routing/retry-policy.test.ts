import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError, upstreamCodeFor } from "../errors/errors.js";
import { classifyFailure, retryAfterMs, retryWait } from "./retry-policy.js";
import { retrySchema } from "./route-schema.js";

const upstream = (status: number, retryAfter?: number): KeelError =>
  new KeelError(upstreamCodeFor(status), `HTTP ${status}`, { upstream: { provider: "p", status }, retryAfter });

test("retryable: connect errors, 408/409/429/5xx, timeouts, a stream broken before its first chunk", () => {
  for (const s of [408, 409, 425, 429, 500, 502, 503, 504, 529]) assert.equal(classifyFailure(upstream(s), false), "retryable", `HTTP ${s}`);
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

test("full jitter: uniform in [0, min(max, base·2^k)]; a longer Retry-After cool-down wins", () => {
  const cfg = retrySchema.parse({ backoff_base_ms: 100, backoff_max_ms: 1000 });
  assert.equal(retryWait(0, 0, cfg, () => 0.999999), 99);
  assert.equal(retryWait(2, 0, cfg, () => 0.5), 200);
  assert.equal(retryWait(10, 0, cfg, () => 0.999999), 999, "capped at backoff_max_ms");
  assert.equal(retryWait(3, 0, cfg, () => 0), 0);
  assert.equal(retryWait(1000, 0, cfg, () => 0.5), 500, "no overflow for large k");
  assert.equal(retryWait(0, 3000, cfg, () => 0.5), 3000, "the target's Retry-After, longer than the backoff");
  assert.equal(retryWait(3, 100, cfg, () => 0.5), 400, "the backoff, longer than what is left of the cool-down");
});

test("Retry-After in ms from the KeelError", () => {
  assert.equal(retryAfterMs(upstream(429, 2)), 2000);
  assert.equal(retryAfterMs(upstream(429)), null);
  assert.equal(retryAfterMs(new Error("x")), null);
});

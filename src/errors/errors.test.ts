import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ERROR_CODES, KeelError, upstreamCodeFor } from "./errors.js";
import { toOpenAIError } from "./openai-shape.js";

test("every error code is documented in docs/errors.md with its status", () => {
  const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
  for (const [code, { status }] of Object.entries(ERROR_CODES)) {
    assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${status} \\|`), `${code} (${status}) missing from docs/errors.md`);
  }
});

test("KeelError maps to OpenAI's error shape with Retry-After and upstream detail", () => {
  const e = new KeelError("upstream_unavailable", "busy", { retryAfter: 1.2, upstream: { provider: "openai", status: 429 } });
  const out = toOpenAIError(e);
  assert.equal(out.status, 503);
  assert.equal(out.headers["retry-after"], "2");
  assert.deepEqual(out.body.error, { message: "busy", type: "api_error", param: null, code: "upstream_unavailable", upstream: { provider: "openai", status: 429 } });
});

test("unknown errors never leak their message", () => {
  const out = toOpenAIError(new Error("secret sk-live-123 exploded"));
  assert.equal(out.status, 500);
  assert.doesNotMatch(JSON.stringify(out.body), /sk-live/);
});

test("upstream statuses map to 502/503/504", () => {
  assert.equal(upstreamCodeFor(500), "upstream_error");
  assert.equal(upstreamCodeFor(429), "upstream_unavailable");
  assert.equal(upstreamCodeFor(529), "upstream_unavailable");
  assert.equal(upstreamCodeFor(408), "upstream_timeout");
  assert.equal(upstreamCodeFor(undefined), "upstream_unavailable");
});

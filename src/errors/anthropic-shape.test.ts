import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ANTHROPIC_ERROR_TYPE, ANTHROPIC_STATUS, toAnthropicError } from "./anthropic-shape.js";
import { ERROR_CODES, type ErrorCode, KeelError } from "./errors.js";

test("Anthropic's statuses for its error types", () => {
  assert.deepEqual(ANTHROPIC_STATUS, {
    invalid_request_error: 400, authentication_error: 401, permission_error: 403, not_found_error: 404,
    request_too_large: 413, rate_limit_error: 429, api_error: 500, timeout_error: 504, overloaded_error: 529,
  });
});

test("every Keel code has an Anthropic type, and docs/errors.md lists it", () => {
  const doc = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    const type = ANTHROPIC_ERROR_TYPE[code];
    assert.ok(type, code);
    assert.match(doc, new RegExp(`\\| \`${code}\` \\| \`${type}\` \\|`), `docs/errors.md maps ${code} to ${type}`);
  }
});

test("the body is {type:'error', error:{type, message}}, the field named in front, headers kept", () => {
  const r = toAnthropicError(new KeelError("invalid_request", "Invalid input: expected number.", { param: "max_tokens" }));
  assert.equal(r.status, 400);
  assert.deepEqual(r.body, { type: "error", error: { type: "invalid_request_error", message: "max_tokens: Invalid input: expected number." } });
  const named = toAnthropicError(new KeelError("invalid_request", "Missing required parameter: 'max_tokens'.", { param: "max_tokens" }));
  assert.equal(named.body.error.message, "Missing required parameter: 'max_tokens'.");
  const limited = toAnthropicError(new KeelError("rate_limited", "Slow down.", { retryAfter: 2.2, headers: { "x-ratelimit-limit-requests": "1" } }));
  assert.equal(limited.status, 429);
  assert.deepEqual(limited.headers, { "x-ratelimit-limit-requests": "1", "retry-after": "3" });
  assert.equal(toAnthropicError(new KeelError("upstream_unavailable", "down")).status, 529);
  assert.equal(toAnthropicError(new KeelError("body_too_large", "big")).body.error.type, "request_too_large");
});

test("an unknown error never leaks its message", () => {
  const r = toAnthropicError(new Error("secret detail"));
  assert.equal(r.status, 500);
  assert.equal(r.body.error.type, "api_error");
  assert.ok(!r.body.error.message.includes("secret"));
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { isRetryableStatus, statusVerdict } from "./retryable.js";

test("408, 409, 425, 429 and every 5xx are retried; other 4xx are final; 2xx is done", () => {
  for (const s of [408, 409, 425, 429, 500, 501, 502, 503, 504, 529, 599]) assert.equal(statusVerdict(s), "retry", `HTTP ${s}`);
  for (const s of [400, 401, 403, 404, 410, 413, 422, 499]) assert.equal(statusVerdict(s), "final", `HTTP ${s}`);
  for (const s of [200, 201, 204, 299]) assert.equal(statusVerdict(s), "ok", `HTTP ${s}`);
  assert.equal(statusVerdict(304), "final", "a redirect or not-modified is not a success to retry into");
  assert.equal(isRetryableStatus(600), false);
  assert.equal(isRetryableStatus(100), false);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { formatDuration } from "./rate-headers.js";

test("reset durations look like OpenAI's (Go duration strings)", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(-5), "0s");
  assert.equal(formatDuration(0.2), "1ms");
  assert.equal(formatDuration(17), "17ms");
  assert.equal(formatDuration(1000), "1s");
  assert.equal(formatDuration(8640), "8.64s");
  assert.equal(formatDuration(86_400), "1m26.4s");
  assert.equal(formatDuration(360_000), "6m0s");
  assert.equal(formatDuration(3_600_000), "1h0m0s");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../../errors/errors.js";
import { NO_DIRECTIVES, parseSimHeader, readSimHeader } from "./sim-header.js";

test("parses every key, trims space and ignores empty segments", () => {
  assert.deepEqual(
    parseSimHeader(" fail=503; retry_after=2 ;fail_rate=0.5;latency_ms=200;ttft_ms=10.5;itl_ms=0;timeout=0;cut_after=3;answer=a%3Bb%20%C3%A9;"),
    { fail: 503, retry_after: 2, fail_rate: 0.5, latency_ms: 200, ttft_ms: 10.5, itl_ms: 0, timeout: false, cut_after: 3, answer: "a;b é" },
  );
  assert.deepEqual(parseSimHeader("malformed_after=0; timeout=1"), { malformed_after: 0, timeout: true });
  assert.deepEqual(parseSimHeader(""), {});
});

test("no header is the shared empty directive set; repeated header lines are joined", () => {
  assert.equal(readSimHeader(undefined), NO_DIRECTIVES);
  assert.equal(readSimHeader({ other: "x" }), NO_DIRECTIVES);
  assert.deepEqual(readSimHeader({ "x-keel-sim": ["fail=500", "retry_after=1"] }), { fail: 500, retry_after: 1 });
});

function rejects(value: string, mention: RegExp): void {
  assert.throws(
    () => parseSimHeader(value),
    (e: unknown) => e instanceof KeelError && e.code === "invalid_request" && e.status === 400 && e.param === "x-keel-sim" && mention.test(e.message),
    value,
  );
}

test("rejects unknown keys, bad values, duplicates and conflicts, naming the key", () => {
  rejects("fial=503", /unknown key "fial"/);
  rejects("fail", /expected key=value/);
  rejects("fail=200", /fail must be an HTTP status/);
  rejects("fail=5o3", /fail must be/);
  rejects("fail_rate=1.5", /fail_rate must be a probability/);
  rejects("fail_rate=-0.1", /fail_rate/);
  rejects("latency_ms=abc", /latency_ms/);
  rejects("latency_ms=1e3", /latency_ms/);
  rejects("itl_ms=60001", /itl_ms/);
  rejects("timeout=yes", /timeout must be 0 or 1/);
  rejects("cut_after=1.5", /cut_after/);
  rejects("answer=%E0%A4%A", /answer/);
  rejects("fail=500;fail=503", /fail given twice/);
  rejects("cut_after=1;malformed_after=2", /exclude each other/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { formatTraceparent, traceContextFrom } from "./trace-context.js";

test("continues a valid traceparent with a new span of its own", () => {
  const t = traceContextFrom("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  assert.equal(t.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
  assert.equal(t.parentSpanId, "00f067aa0ba902b7");
  assert.match(t.spanId, /^[0-9a-f]{16}$/);
  assert.notEqual(t.spanId, t.parentSpanId);
  assert.equal(formatTraceparent(t), `00-4bf92f3577b34da6a3ce929d0e0e4736-${t.spanId}-01`);
});

test("starts a new trace for missing, malformed or all-zero headers", () => {
  for (const h of [undefined, "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", ["a", "b"]]) {
    const t = traceContextFrom(h);
    assert.equal(t.parentSpanId, null, String(h));
    assert.match(t.traceId, /^[0-9a-f]{32}$/);
  }
});

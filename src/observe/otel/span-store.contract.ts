import { test } from "node:test";
import assert from "node:assert/strict";
import type { IngestedSpan } from "./otlp-ingest.js";
import type { SpanStore } from "./span-store.js";

const T1 = "0af7651916cd43dd8448eb211c80319c";
const T2 = "4bf92f3577b34da6a3ce929d0e0e4736";
const span = (traceId: string, spanId: string, startMs: number, over: Partial<IngestedSpan> = {}): IngestedSpan => ({
  traceId, spanId, parentSpanId: null, name: `op-${spanId}`, kind: 2, startMs, endMs: startMs + 5, statusCode: 0, service: "app",
  attributes: { "http.method": "POST", retries: 2, cached: false }, ...over,
});

/** The `SpanStore` contract (`sqlite-span-store.test.ts`); every call is awaited. */
export function spanStoreContract(label: string, make: () => SpanStore | Promise<SpanStore>): void {
  test(`${label}: a trace's spans come back by start time with every field; other traces stay apart`, async () => {
    const s = await make();
    const child = span(T1, "00f067aa0ba902b7", 20.5, { parentSpanId: "00f067aa0ba902b8", service: null, statusCode: 2 });
    await s.insertBatch([child, span(T1, "00f067aa0ba902b8", 10), span(T2, "00f067aa0ba902b9", 5)]);
    await s.insertBatch([]);
    assert.deepEqual((await s.byTrace(T1)).map((x) => x.spanId), ["00f067aa0ba902b8", "00f067aa0ba902b7"]);
    assert.deepEqual((await s.byTrace(T1))[1], child);
    assert.deepEqual(await s.byTrace("ffffffffffffffffffffffffffffffff"), []);
  });

  test(`${label}: a span sent again replaces the stored one`, async () => {
    const s = await make();
    await s.insertBatch([span(T1, "00f067aa0ba902b7", 10)]);
    await s.insertBatch([span(T1, "00f067aa0ba902b7", 10, { name: "renamed", endMs: 99 })]);
    const got = await s.byTrace(T1);
    assert.equal(got.length, 1);
    assert.deepEqual([got[0].name, got[0].endMs], ["renamed", 99]);
  });

  test(`${label}: retention deletes spans started before the cutoff, in bounded steps`, async () => {
    const s = await make();
    await s.insertBatch(Array.from({ length: 5 }, (_, i) => span(T1, `00f067aa0ba902c${i}`, i * 10)));
    assert.equal(await s.deleteBatchBefore(35, 2), 2);
    assert.equal(await s.deleteBatchBefore(35, 2), 2);
    assert.equal(await s.deleteBatchBefore(35, 2), 0);
    assert.deepEqual((await s.byTrace(T1)).map((x) => x.startMs), [40]);
    assert.equal(await s.deleteBefore(41), 1);
    assert.deepEqual(await s.byTrace(T1), []);
  });
}

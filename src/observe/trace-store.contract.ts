import { test } from "node:test";
import assert from "node:assert/strict";
import { sampleTrace } from "./sample-trace.js";
import type { TraceRecord, TraceStore } from "./types.js";

const T0 = 1_800_000_000_000;
const W3C = "0af7651916cd43dd8448eb211c80319c";
const at = (i: number, startedAt: number, over: Partial<TraceRecord> = {}): TraceRecord =>
  sampleTrace(i, { startedAt, endedAt: startedAt + 100, ...over });

/** The `TraceStore` contract (`sqlite-trace-store.test.ts`); every call is awaited. */
export function traceStoreContract(label: string, make: () => TraceStore | Promise<TraceStore>): void {
  test(`${label}: a record round-trips every field; a repeated id is ignored`, async () => {
    const s = await make();
    const full = at(1, T0, {
      user: "u1", feature: "support", traceId: W3C, parentSpanId: "00f067aa0ba902b7", metadata: { env: "prod" },
      requestBody: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "hi ✓" }] }), responseBody: "{\"ok\":true}",
      target: "sim/sim", attempts: [{ target: "sim/sim", provider: "sim", model: "sim", startMs: 0.2, waitMs: 0, durationMs: 1.3, ttftMs: 1, outcome: "ok", errorCode: null, upstreamStatus: 200, error: null }],
      promptName: "support", promptVersion: 2, promptLabel: "production", systemFingerprint: "fp_1", piiKept: true, surface: "openai.responses",
      guard: [{ scanner: "pii", source: "user", score: 0.9, triggered: true, action: "redact", latency_ms: 0.2, findings: ["EMAIL"] }],
    });
    await s.insertBatch([full]);
    await s.insertBatch([{ ...full, status: "error" }]);
    await s.insertBatch([]);
    assert.deepEqual(await s.get(full.id), full);
    assert.equal(await s.get("req_missing"), undefined);
  });

  test(`${label}: list is newest first, filtered, and its cursor pages through ties without loss`, async () => {
    const s = await make();
    // Pairs share a start time: the cursor must split ties by id.
    await s.insertBatch(Array.from({ length: 9 }, (_, i) => at(i, T0 + Math.floor(i / 2) * 1000)));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.list({ limit: 4, cursor });
      assert.ok(page.data.length <= 4);
      seen.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const expected = Array.from({ length: 9 }, (_, i) => at(i, T0 + Math.floor(i / 2) * 1000))
      .sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? 1 : -1)).map((t) => t.id);
    assert.deepEqual(seen, expected);
    assert.deepEqual((await s.list({ limit: 100, since: T0 + 1000, until: T0 + 3000 })).data.map((t) => t.startedAt), [T0 + 2000, T0 + 2000, T0 + 1000, T0 + 1000]);
    assert.ok((await s.list({ limit: 100, keyId: "key_a" })).data.every((t) => t.keyId === "key_a"));
    assert.deepEqual((await s.list({ limit: 100, status: "error" })).data.map((t) => t.id).sort(), ["req_000000", "req_000005"]);
    assert.equal((await s.list({ limit: 100, feature: "search" })).data.length, 3);
    assert.equal((await s.list({ limit: 100, model: "nope" })).data.length, 0);
    await assert.rejects(async () => s.list({ limit: 10, cursor: "garbage" }), RangeError);
  });

  test(`${label}: list by model matches the requested or the served model; by user`, async () => {
    const s = await make();
    await s.insertBatch([at(1, T0, { modelRequested: "fast", modelServed: "gpt-4o-mini" }), at(2, T0 + 1, { modelRequested: "gpt-4o-mini", user: "u9" }), at(3, T0 + 2)]);
    assert.deepEqual((await s.list({ limit: 10, model: "gpt-4o-mini" })).data.map((t) => t.id), ["req_000002", "req_000001"]);
    assert.deepEqual((await s.list({ limit: 10, user: "u9" })).data.map((t) => t.id), ["req_000002"]);
  });

  test(`${label}: deleteBefore removes what started before the cutoff`, async () => {
    const s = await make();
    await s.insertBatch([at(1, T0), at(2, T0 + 10), at(3, T0 + 20)]);
    assert.equal(await s.deleteBefore(T0 + 10), 1);
    assert.equal(await s.get("req_000001"), undefined);
    assert.equal((await s.list({ limit: 10 })).data.length, 2);
  });

  test(`${label}: endedSince reads by end time within a start bound, in end order, bounded`, async () => {
    const s = await make();
    await s.insertBatch([
      at(1, T0, { endedAt: T0 + 500 }), at(2, T0 + 10, { endedAt: T0 + 200 }), at(3, T0 + 20, { endedAt: T0 + 200 }),
      at(4, T0 - 10_000, { endedAt: T0 + 900 }),
    ]);
    assert.deepEqual(await s.endedSince(T0, T0 + 200, 10), [
      { id: "req_000002", ended_at: T0 + 200 }, { id: "req_000003", ended_at: T0 + 200 }, { id: "req_000001", ended_at: T0 + 500 },
    ], "the call started before the start bound is not read");
    assert.deepEqual((await s.endedSince(T0, T0 + 300, 10)).map((r) => r.id), ["req_000001"]);
    assert.equal((await s.endedSince(T0 - 20_000, 0, 2)).length, 2);
  });

  test(`${label}: servedModels lists each successful (route, provider, model, fingerprint) once, first seen first`, async () => {
    const s = await make();
    await s.insertBatch([
      at(1, T0 + 300, { modelRequested: "chat", provider: "openai", modelServed: "gpt-4o-2024", systemFingerprint: "fp_a" }),
      at(2, T0 + 100, { modelRequested: "chat", provider: "openai", modelServed: "gpt-4o-2024", systemFingerprint: "fp_a" }),
      at(3, T0 + 200, { modelRequested: "chat", provider: "openai", modelServed: "gpt-4o-2025", systemFingerprint: null }),
      at(4, T0 + 50, { modelRequested: "chat", provider: "openai", modelServed: "gpt-x", status: "error" }),
      at(6, T0 + 60, { modelRequested: "chat", provider: "openai", modelServed: null }),
      at(7, T0 + 5000, { modelRequested: "chat", provider: "openai", modelServed: "late" }),
    ]);
    assert.deepEqual(await s.servedModels(T0, T0 + 1000), [
      { route: "chat", provider: "openai", model: "gpt-4o-2024", fingerprint: "fp_a", first: T0 + 100 },
      { route: "chat", provider: "openai", model: "gpt-4o-2025", fingerprint: null, first: T0 + 200 },
    ]);
  });

  test(`${label}: callsInTrace lists a W3C trace's gateway calls by start time`, async () => {
    const s = await make();
    await s.insertBatch([
      at(1, T0 + 20, { traceId: W3C, parentSpanId: "00f067aa0ba902b7" }), at(2, T0 + 10, { traceId: W3C }), at(3, T0, { traceId: "ffffffffffffffffffffffffffffffff" }),
    ]);
    const calls = await s.callsInTrace(W3C);
    assert.deepEqual(calls.map((c) => c.id), ["req_000002", "req_000001"]);
    assert.deepEqual(calls[1], {
      id: "req_000001", started_at: T0 + 20, endpoint: "chat", model_requested: "sim", model_served: "sim", status: "ok", latency_ms: 1.5, parent_span_id: "00f067aa0ba902b7",
    });
    assert.deepEqual(await s.callsInTrace("00000000000000000000000000000000"), []);
  });
}

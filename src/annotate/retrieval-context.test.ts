import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChunkRecord } from "../knowledge/types.js";
import type { IngestedSpan } from "../observe/otel/otlp-ingest.js";
import { MAX_CHUNK_CHARS, retrievalContext } from "./retrieval-context.js";

const T = "a".repeat(32);
const CALLER = "1".repeat(16);
const TOOL = "2".repeat(16);

const span = (id: string, parent: string | null, startMs: number, attributes: IngestedSpan["attributes"], service: string | null = "keel"): IngestedSpan => ({
  traceId: T, spanId: id, parentSpanId: parent, name: `span ${id.slice(0, 2)}`, kind: 3, startMs, endMs: startMs + 5, statusCode: 1, service, attributes,
});
const keelRetrieval = (id: string, parent: string, startMs: number, store: string, chunks: number[]): IngestedSpan => span(id, parent, startMs, {
  "gen_ai.operation.name": "retrieval", "gen_ai.data_source.id": store, "keel.retrieval.mode": "hybrid", "keel.retrieval.result_count": chunks.length,
  "keel.retrieval.chunk_ids": JSON.stringify(chunks),
  "keel.retrieval.results": JSON.stringify(chunks.map((c, i) => ({ chunk_id: c, file_id: "file-1", document_id: "doc-1", version: 2, score: 1 - i / 10, stale: i === 1, stale_reason: i === 1 ? "expired" : null, age_s: 3 }))),
});
const chunk = (key: number, storeId: string, text: string, status: ChunkRecord["status"] = "live"): ChunkRecord => ({
  key, documentId: "doc-1", storeId, ordinal: 0, text, textHash: "", embedding: new Float32Array(0), status, verdict: null,
});

test("siblings of the call first, then earlier retrievals elsewhere in the trace; later ones and other operations are left out", () => {
  const spans = [
    keelRetrieval("c".repeat(16), TOOL, 100, "vs_a", [1]),
    keelRetrieval("d".repeat(16), CALLER, 200, "vs_a", [2, 3]),
    keelRetrieval("e".repeat(16), CALLER, 900, "vs_a", [4]), // after the call: it fed a later one
    span("f".repeat(16), CALLER, 150, { "gen_ai.operation.name": "chat" }),
  ];
  const asked: number[][] = [];
  const chunks = (keys: readonly number[]): ChunkRecord[] => (asked.push([...keys]), [chunk(1, "vs_a", "one"), chunk(2, "vs_a", "x".repeat(MAX_CHUNK_CHARS + 10)), chunk(3, "vs_a", "secret", "quarantined")]);
  const out = retrievalContext({ traceId: T, parentSpanId: CALLER, startedAt: 500 }, spans, chunks);
  assert.deepEqual(out.map((v) => [v.span_id[0], v.relation]), [["d", "same span"], ["c", "earlier in trace"]]);
  assert.deepEqual(asked, [[2, 3, 1]], "one chunk read for every span");
  const [mine, tool] = out;
  assert.equal(mine.store_id, "vs_a");
  assert.equal(mine.mode, "hybrid");
  assert.equal(mine.result_count, 2);
  assert.equal(mine.results[0].text?.length, MAX_CHUNK_CHARS, "long chunks are cut");
  assert.deepEqual([mine.results[1].text, mine.results[1].text_missing, mine.results[1].stale, mine.results[1].stale_reason], [null, "quarantined", true, "expired"]);
  assert.deepEqual([tool.results[0].text, tool.results[0].score, tool.results[0].version], ["one", 1, 2]);
});

test("a chunk of another store under the same id is not shown; an application's own span names its ids without text", () => {
  const app = span("b".repeat(16), CALLER, 10, { "gen_ai.operation.name": "retrieval", "keel.retrieval.chunk_ids": JSON.stringify(["doc-7#2"]) }, "support-agent");
  const out = retrievalContext({ traceId: T, parentSpanId: CALLER, startedAt: 50 }, [keelRetrieval("d".repeat(16), CALLER, 20, "vs_a", [9]), app], () => [chunk(9, "vs_other", "elsewhere")]);
  assert.deepEqual(out.map((v) => v.results.map((r) => [r.chunk_id, r.text, r.text_missing])), [[["doc-7#2", null, "not a Keel chunk"]], [[9, null, "not found"]]]);
  assert.equal(out[0].service, "support-agent");
});

test("no trace context, no spans, or unreadable result lists: nothing, never a throw", () => {
  assert.deepEqual(retrievalContext({ traceId: null, parentSpanId: null, startedAt: 1 }, [keelRetrieval("d".repeat(16), CALLER, 0, "vs_a", [1])], () => []), []);
  assert.deepEqual(retrievalContext({ traceId: T, parentSpanId: CALLER, startedAt: 1 }, [], () => assert.fail("no read without spans")), []);
  const bad = span("d".repeat(16), CALLER, 0, { "gen_ai.operation.name": "retrieval", "keel.retrieval.results": "{not json", "keel.retrieval.chunk_ids": "[{}]" });
  assert.deepEqual(retrievalContext({ traceId: T, parentSpanId: CALLER, startedAt: 1 }, [bad], () => [])[0].results, []);
});

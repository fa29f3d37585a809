import assert from "node:assert/strict";
import { test } from "node:test";
import { callerTrace, queryHash, retrievalSpan } from "./retrieval-span.js";

test("only a valid traceparent yields a caller trace", () => {
  assert.deepEqual(callerTrace("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpanId: "00f067aa0ba902b7" });
  assert.equal(callerTrace(undefined), null);
  assert.equal(callerTrace(["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"]), null);
  assert.equal(callerTrace(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`), null);
  assert.equal(callerTrace(`00-4bf92f3577b34da6a3ce929d0e0e4736-${"0".repeat(16)}-01`), null);
  assert.equal(callerTrace("garbage"), null);
});

test("the retrieval span carries ids, scores and freshness, and the query only as a digest", () => {
  const s = retrievalSpan({
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736", parentSpanId: "00f067aa0ba902b7", storeId: "vs_1", query: "secret plan", mode: "hybrid", startMs: 10, endMs: 12,
    results: [{ chunkId: 7, fileId: "file-a", documentId: "doc_a", version: 2, score: 0.8, stale: true, staleReason: "superseded", ageS: 5 }],
  });
  assert.match(s.spanId, /^[0-9a-f]{16}$/);
  assert.equal(s.parentSpanId, "00f067aa0ba902b7");
  assert.equal(s.attributes["gen_ai.operation.name"], "retrieval");
  assert.equal(s.attributes["keel.retrieval.query_sha256"], queryHash("secret plan"));
  assert.equal(s.attributes["keel.retrieval.stale_count"], 1);
  assert.equal(s.attributes["keel.retrieval.chunk_ids"], "[7]");
  assert.deepEqual(JSON.parse(String(s.attributes["keel.retrieval.results"])), [{ chunk_id: 7, file_id: "file-a", document_id: "doc_a", version: 2, score: 0.8, stale: true, stale_reason: "superseded", age_s: 5 }]);
  assert.ok(!JSON.stringify(s).includes("secret plan"));
});

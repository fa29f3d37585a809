import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { IngestedSpan } from "../../observe/otel/otlp-ingest.js";
import { carriedChunks, retrievedChunks } from "./call-sources.js";
import { citationChecker } from "./guard-check.js";

const span = (results: unknown, op = "retrieval"): IngestedSpan => ({
  traceId: "t".repeat(32), spanId: "s".repeat(16), parentSpanId: null, name: "retrieval vs_1", kind: 3, startMs: 0, endMs: 1, statusCode: 1, service: "keel",
  attributes: { "gen_ai.operation.name": op, "keel.retrieval.results": typeof results === "string" ? results : JSON.stringify(results) },
});
const store = {
  getChunks: (keys: readonly number[]) => keys.filter((k) => k !== 99).map((key) => ({ key, text: `chunk ${key}: Support is open from 9 to 17 on weekdays.` })) as never,
  getFile: (id: string) => (id === "file-a" ? { filename: "hours.md" } : undefined) as never,
};

describe("what a call may cite", () => {
  test("retrieval spans give chunks numbered in retrieval order; deleted chunks and other spans are skipped", () => {
    const chunks = retrievedChunks([
      span([{ chunk_id: 7, file_id: "file-a" }, { chunk_id: 99, file_id: "file-b" }]),
      span([{ chunk_id: 3, file_id: "file-c" }]),
      span([{ chunk_id: 5 }], "chat"),
      span("not json"),
    ], store);
    assert.deepEqual(chunks.map((c) => [c.number, c.chunkId, c.fileId, c.filename]), [[1, "7", "file-a", "hours.md"], [2, "3", "file-c", undefined]]);
  });

  test("the request's numbered documents and file-search tool results", () => {
    const chunks = carriedChunks([
      { role: "system", content: "Cite sources.\n[1] Support is open from 9 to 17." },
      { role: "user", content: "When is support open?" },
      { role: "tool", tool_call_id: "c1", content: JSON.stringify({ results: [{ file_id: "file-z", filename: "z.md", content: [{ type: "text", text: "Refunds take 5 days." }] }] }) },
      { role: "assistant", content: "[9] not a document" },
    ] as never);
    assert.deepEqual(chunks.map((c) => [c.number, c.fileId, c.text]), [[1, undefined, "Support is open from 9 to 17."], [undefined, "file-z", "Refunds take 5 days."]]);
  });

  test("the guard check: a prompt's numbers win over retrieval order; retrieved chunks stay citable by filename", () => {
    const check = citationChecker({ spans: { byTrace: () => [span([{ chunk_id: 7, file_id: "file-a" }])] }, store })
      .forRequest({ messages: [{ role: "system", content: "[1] Refunds take 5 days." }] as never, traceId: "t".repeat(32) });
    const answer = "Refunds take 5 days [1]. Support is open from 9 to 17 on weekdays【4:0†hours.md】. Support is open on weekdays [2].";
    assert.deepEqual(check(answer, 0.7).map((r) => r.verdict), ["supported", "supported", "fabricated"]);
    assert.equal(answer.slice(check(answer, 0.7)[2].start, check(answer, 0.7)[2].end), "[2]");
  });
});

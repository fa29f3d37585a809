import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../../errors/errors.js";
import type { TraceRecord } from "../../observe/types.js";
import { openMemorySqlite } from "../../storage/sqlite.js";
import { formatCsvRow, parseCsv } from "./csv.js";
import { datasetStoreContract } from "./dataset-store.contract.js";
import { DatasetService } from "./dataset-service.js";
import { itemFromTrace } from "./from-trace.js";
import { formatItemsCsv, formatItemsJsonl, parseItemsCsv, parseItemsJsonl } from "./item-codec.js";
import { SqliteDatasetStore } from "./sqlite-dataset-store.js";

datasetStoreContract("sqlite", () => new SqliteDatasetStore(openMemorySqlite()));

const service = (): DatasetService => {
  let t = 1_700_000_000_000;
  return new DatasetService(new SqliteDatasetStore(openMemorySqlite()), () => (t += 1000));
};

test("versions: append adds and updates, identical items change nothing, replace removes the rest", () => {
  const s = service();
  s.create({ name: "qa", description: "capitals" });
  const v1 = s.commit("qa", [{ id: "fr", input: "Capital of France?", expected: "Paris" }, { input: "Capital of Italy?", expected: "Rome" }], { mode: "append", note: "seed" });
  assert.deepEqual(v1, { version: 1, added: 2, updated: 0, removed: 0, unchanged: 0, created: true });
  const again = s.commit("qa", [{ id: "fr", input: "Capital of France?", expected: "Paris" }], { mode: "append" });
  assert.deepEqual(again, { version: 1, added: 0, updated: 0, removed: 0, unchanged: 1, created: false });
  const v2 = s.commit("qa", [{ id: "fr", input: "Capital of France?", expected: "Paris, France" }], { mode: "append" });
  assert.deepEqual([v2.version, v2.updated], [2, 1]);
  const v3 = s.commit("qa", [{ id: "de", input: "Capital of Germany?", expected: "Berlin", split: "dev", tags: ["eu"] }], { mode: "replace" });
  assert.deepEqual([v3.version, v3.added, v3.removed], [3, 1, 2]);
  assert.deepEqual(s.items("qa", { version: 1 }).items.map((i) => i.expected), ["Paris", "Rome"]);
  assert.deepEqual(s.items("qa").items.map((i) => i.id), ["de"]);
  assert.deepEqual(s.items("qa", { split: "dev" }).items.length, 1);
  assert.deepEqual(s.items("qa", { tag: "nope" }).items.length, 0);
  const view = s.get("qa");
  assert.deepEqual(view.versions!.map((v) => [v.version, v.item_count, v.note]), [[1, 2, "seed"], [2, 2, null], [3, 1, null]]);
  assert.equal(view.item_count, 1);
});

test("content-derived ids make re-imports idempotent; every item has provenance", () => {
  const s = service();
  s.create({ name: "d" });
  s.commit("d", [{ input: "a" }], { mode: "append" });
  const { items } = s.items("d");
  assert.match(items[0].id, /^itm_[0-9a-f]{16}$/);
  assert.deepEqual(items[0].provenance, { source: "human" });
  assert.equal(s.commit("d", [{ input: "a" }], { mode: "append" }).created, false);
});

test("validation names the item and field; provenance must be complete", () => {
  const s = service();
  s.create({ name: "d" });
  const err = (raw: unknown[]): KeelError => {
    try {
      s.commit("d", raw, { mode: "append" });
    } catch (e) {
      return e as KeelError;
    }
    throw new Error("no error");
  };
  assert.equal(err([{ input: "ok" }, { expected: "no input" }]).param, "items[1].input");
  assert.equal(err([{ input: "x", provenance: { source: "production" } }]).param, "items[0].provenance.trace_id");
  assert.equal(err([{ input: "x", provenance: { source: "synthetic" } }]).param, "items[0].provenance.generator_model");
  assert.match(err([{ id: "a", input: "1" }, { id: "a", input: "2" }]).message, /appears twice/);
  assert.equal(err([{ input: "x", bogus: 1 }]).code, "invalid_request");
  assert.throws(() => s.create({ name: "d" }), /already exists/);
  assert.throws(() => s.items("nope"), /No dataset named "nope"/);
  assert.throws(() => s.items("d", { version: 9 }), /has no version 9/);
});

test("CSV: RFC 4180 quoting round-trips commas, quotes and line breaks", () => {
  const fields = ["plain", "a,b", 'say "hi"', "two\nlines", " padded "];
  assert.deepEqual(parseCsv(`${formatCsvRow(fields)}\r\nx,y,z,w,v\r\n`), [fields, ["x", "y", "z", "w", "v"]]);
  assert.deepEqual(parseCsv("\uFEFFa,b\n1,2"), [["a", "b"], ["1", "2"]]);
  assert.throws(() => parseCsv('"open'), /unterminated/);
});

test("CSV items: known columns, JSON columns, extra columns become variables; export re-imports to the same items", () => {
  const csv = 'id,input,expected,tags,context,city,source,generator_model\r\nq1,"Weather in {{city}}?",Sunny,"smoke,weather","[""a"",""b""]",Paris,synthetic,gpt-4o\r\n';
  const [item] = parseItemsCsv(csv, "x.csv");
  assert.deepEqual(item, {
    id: "q1", input: "Weather in {{city}}?", expected: "Sunny", tags: ["smoke", "weather"], context: ["a", "b"],
    variables: { city: "Paris" }, provenance: { source: "synthetic", generator_model: "gpt-4o" },
  });
  const s = service();
  s.create({ name: "d" });
  s.commit("d", [item, { id: "q2", input: [{ role: "user", content: "hi" }], expected: { ok: true }, provenance: { source: "production", trace_id: "req_1" } }], { mode: "append" });
  const stored = s.items("d").items;
  assert.deepEqual(parseItemsJsonl(formatItemsJsonl(stored)), JSON.parse(JSON.stringify(stored)));
  const s2 = service();
  s2.create({ name: "d" });
  s2.commit("d", parseItemsCsv(formatItemsCsv(stored)), { mode: "append" });
  assert.deepEqual(s2.items("d").items, stored, "CSV export → import gives the same items");
  assert.throws(() => parseItemsCsv("id,input\n1", "x.csv"), /x\.csv:2: 1 fields, header has 2/);
  assert.throws(() => parseItemsJsonl('{"a":1}\nnope', "x.jsonl"), /x\.jsonl:2: not JSON/);
});

const trace = (over: Partial<TraceRecord>): TraceRecord => ({
  id: "req_abc", startedAt: 1_700_000_000_000, endedAt: 1_700_000_000_100, endpoint: "chat", keyId: "key_1", user: null, feature: "support",
  modelRequested: "sim", modelServed: "sim", provider: "sim", status: "ok", httpStatus: 200, errorCode: null, errorMessage: null,
  latencyMs: 100, ttftMs: 50, tokensIn: 10, tokensOut: 5, tokensCached: 0, usageSource: "provider", costUsd: 0.001, stream: false,
  traceId: null, parentSpanId: null, metadata: {}, target: null, attempts: [],
  requestBody: JSON.stringify({ model: "sim", messages: [{ role: "user", content: "Capital of France?" }] }),
  responseBody: JSON.stringify({ choices: [{ message: { role: "assistant", content: "Paris" } }] }),
  ...over,
});

test("items from production traces carry the trace id; uncaptured bodies are refused with a reason", () => {
  const r = itemFromTrace(trace({}), { expected: "output", split: "prod", tags: ["t"] });
  assert.ok(r.ok);
  if (!r.ok) return;
  assert.deepEqual(r.item, {
    id: "trace-req_abc", input: "Capital of France?", expected: "Paris", tags: ["t"], split: "prod",
    provenance: { source: "production", trace_id: "req_abc" },
    metadata: { model: "sim", feature: "support", started_at: "2023-11-14T22:13:20.000Z" },
  });
  const noExpected = itemFromTrace(trace({}), { expected: "none" });
  assert.ok(noExpected.ok && noExpected.item.expected === undefined);
  const none = itemFromTrace(trace({ requestBody: null }), { expected: "output" });
  assert.ok(!none.ok && /not captured/.test(none.reason));
  const tools = itemFromTrace(trace({ responseBody: JSON.stringify({ choices: [{ message: { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: '{"x":1}' } }] } }] }) }), { expected: "output" });
  assert.ok(tools.ok && tools.item.expected_tool_calls?.[0].name === "f");
});

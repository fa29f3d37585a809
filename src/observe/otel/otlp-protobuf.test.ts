/** OTLP/HTTP protobuf intake: a hand-encoded ExportTraceServiceRequest goes the JSON path; malformed bytes are a 400. */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startTestKeel, type TestKeel } from "../../testing/keel-fixture.js";
import { decodeOtlpProtobuf } from "./otlp-protobuf.js";
import { parseOtlpJson } from "./otlp-ingest.js";

// A tiny protobuf encoder, independent of the decoder under test.
function varint(n: bigint): number[] {
  let v = BigInt.asUintN(64, n);
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}
const key = (no: number, wire: number): number[] => varint(BigInt((no << 3) | wire));
const int = (no: number, v: number | bigint): number[] => [...key(no, 0), ...varint(BigInt(v))];
const bytes = (no: number, b: number[] | Uint8Array): number[] => [...key(no, 2), ...varint(BigInt(b.length)), ...b];
const str = (no: number, s: string): number[] => bytes(no, [...Buffer.from(s, "utf8")]);
const msg = (no: number, ...parts: number[][]): number[] => bytes(no, parts.flat());
const fixed64 = (no: number, v: bigint): number[] => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(v);
  return [...key(no, 1), ...b];
};
const double = (no: number, v: number): number[] => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(v);
  return [...key(no, 1), ...b];
};
const hex = (h: string): number[] => [...Buffer.from(h, "hex")];
/** KeyValue { key = 1, value = 2: AnyValue } */
const attr = (no: number, k: string, value: number[]): number[] => msg(no, str(1, k), msg(2, value));

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const AGENT = "00f067aa0ba902b7";
const TOOL = "00f067aa0ba902b8";

function request(): Uint8Array {
  const agent = msg(2,
    bytes(1, hex(TRACE)), bytes(2, hex(AGENT)), str(3, "congo=t61rcWkgMzE"), str(5, "agent.run"), int(6, 1),
    fixed64(7, 1_700_000_000_000_000_000n), fixed64(8, 1_700_000_000_250_000_000n),
    attr(9, "llm.model_name", str(1, "sim")), attr(9, "loop.iteration", int(3, -2)), attr(9, "done", int(2, 1)), attr(9, "score", double(4, 0.5)),
    attr(9, "tags", msg(5, msg(1, str(1, "a")), msg(1, str(1, "b")))),
    msg(11, fixed64(1, 1n), str(2, "an event, not stored")), // events: skipped
    msg(15, str(2, "boom"), int(3, 2)),
    [...key(16, 5), 1, 0, 0, 0], // flags: fixed32
    int(99, 7), // an unknown field: skipped
  );
  const tool = msg(2, bytes(1, hex(TRACE)), bytes(2, hex(TOOL)), bytes(4, hex(AGENT)), str(5, "tool.search"), int(6, 3), fixed64(7, 1n), fixed64(8, 2n));
  const bad = msg(2, bytes(1, [1, 2, 3]), bytes(2, hex(TOOL)), str(5, "short id"));
  const resource = msg(1, attr(1, "service.name", str(1, "support-agent")));
  const scope = msg(2, msg(1, str(1, "app"), str(2, "1.0")), agent, tool, bad);
  return new Uint8Array(msg(1, resource, scope));
}

test("decode: ids, fixed64 nanosecond times, every attribute type, status; unknown fields, events and flags skipped", () => {
  const { spans, rejected } = parseOtlpJson(decodeOtlpProtobuf(request()));
  assert.equal(rejected, 1, "a 3-byte trace id is malformed");
  assert.deepEqual(spans.map((s) => [s.traceId, s.spanId, s.parentSpanId, s.name, s.kind]), [
    [TRACE, AGENT, null, "agent.run", 1],
    [TRACE, TOOL, AGENT, "tool.search", 3],
  ]);
  const a = spans[0];
  assert.equal(a.startMs, 1_700_000_000_000);
  assert.equal(a.endMs - a.startMs, 250);
  assert.equal(a.statusCode, 2);
  assert.equal(a.service, "support-agent");
  assert.deepEqual(a.attributes, { "llm.model_name": "sim", "gen_ai.request.model": "sim", "loop.iteration": -2, done: true, score: 0.5, tags: JSON.stringify({ values: [{ stringValue: "a" }, { stringValue: "b" }] }) });
  assert.deepEqual(decodeOtlpProtobuf(new Uint8Array(0)), { resourceSpans: [] }, "an empty message is valid protobuf");
});

test("decode: malformed input is a 400 invalid_request", () => {
  const cases: [string, number[]][] = [
    ["truncated varint", [0x0a, 0x80]],
    ["length past the end", [0x0a, 0x05, 0x01]],
    ["field number 0", [0x02, 0x00]],
    ["group wire type", [0x0b]],
    ["resource_spans not length-delimited", [0x08, 0x01]],
    ["invalid UTF-8 in a name", msg(1, msg(2, msg(2, bytes(5, [0xff, 0xfe]))))],
    ["a 64-bit field cut short", msg(1, msg(2, msg(2, [...key(7, 1), 1, 2, 3])))],
  ];
  for (const [why, b] of cases) {
    assert.throws(() => decodeOtlpProtobuf(new Uint8Array(b)), (e: { code?: string; status?: number; message: string }) => e.code === "invalid_request" && /Malformed OTLP protobuf/.test(e.message), why);
  }
});

describe("POST /v1/traces with application/x-protobuf", () => {
  let keel: TestKeel;
  before(async () => (keel = await startTestKeel()));
  after(async () => keel.close());
  const post = (body: Uint8Array): Promise<Response> =>
    fetch(`${keel.url}/v1/traces`, { method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/x-protobuf" }, body });

  test("stores the spans like JSON and answers a protobuf ExportTraceServiceResponse with partial success", async () => {
    const res = await post(request());
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/x-protobuf");
    const why = "spans with malformed trace or span ids were skipped";
    assert.deepEqual([...new Uint8Array(await res.arrayBuffer())], msg(1, int(1, 1), str(2, why)), "partial_success { rejected_spans: 1, error_message }");
    const view = await keel.admin("GET", `/api/v1/otel/traces/${TRACE}`);
    assert.equal(view.status, 200);
    assert.deepEqual(view.json.spans.map((s: { name: string }) => s.name).sort(), ["agent.run", "tool.search"]);
  });

  test("malformed protobuf is a 400 naming the problem", async () => {
    const res = await post(new Uint8Array([0x0a, 0x05, 0x01]));
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /Malformed OTLP protobuf: length past the end/);
  });
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { SseParser, formatSse } from "./sse.js";

test("parses events split at arbitrary byte boundaries, including inside UTF-8", () => {
  const text = 'data: {"a":"héllo 🌍"}\n\nevent: message_stop\ndata: {"b":1}\n\n';
  const bytes = new TextEncoder().encode(text);
  for (let cut = 1; cut < bytes.length; cut++) {
    const p = new SseParser();
    const evs = [...p.push(bytes.slice(0, cut)), ...p.push(bytes.slice(cut))];
    assert.equal(evs.length, 2, `cut at ${cut}`);
    assert.deepEqual(JSON.parse(evs[0].data), { a: "héllo 🌍" });
    assert.equal(evs[1].event, "message_stop");
  }
});

test("handles CRLF, lone CR split across chunks, comments, multi-line data and ids", () => {
  const p = new SseParser();
  const evs = [
    ...p.push(": keep-alive\r\ndata: one\r"),
    ...p.push("\ndata: two\r\nid: 7\r\n\r\ndata:x\r\r"),
  ];
  assert.deepEqual(evs, [
    { event: "message", data: "one\ntwo", id: "7" },
    { event: "message", data: "x", id: "7" },
  ]);
});

test("drops an unterminated trailing event and ignores blank-only input", () => {
  const p = new SseParser();
  assert.deepEqual(p.push("\n\n\n"), []);
  assert.deepEqual(p.push("data: partial"), []);
  assert.deepEqual(p.end(), []);
});

test("formatSse writes the default and named event forms", () => {
  assert.equal(formatSse("{}"), "data: {}\n\n");
  assert.equal(formatSse("{}", "error"), "event: error\ndata: {}\n\n");
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { openMemorySqlite } from "../storage/sqlite.js";
import { sampleTrace } from "./sample-trace.js";
import { deflateRawSync } from "node:zlib";
import { DICTIONARY_V1, packJson, unpackJson } from "./packed-json.js";
import { SqliteTraceStore } from "./sqlite-trace-store.js";

const GUARD = JSON.stringify(["secrets", "pii", "toxicity", "size_limit"].map((scanner) => ({ scanner, source: "user", score: 0, triggered: false, action: "block", latency_ms: 0.123 })));

test("packed JSON round-trips, shrinks what repeats the dictionary, and leaves text that would not shrink", () => {
  for (const text of [GUARD, '{"model":"sim","messages":[{"role":"user","content":"héllo ✓"}]}', "[]", ""]) {
    assert.equal(unpackJson(packJson(text)), text);
  }
  const packed = packJson(GUARD);
  assert.ok(Buffer.isBuffer(packed) && packed.length * 3 < GUARD.length, `guard JSON ${GUARD.length} → ${packed?.length} bytes`);
  assert.equal(packJson("[]"), "[]", "two bytes stay text");
  assert.equal(packJson(null), null);
  assert.equal(unpackJson('{"legacy":true}'), '{"legacy":true}', "rows written before packing are TEXT");
  assert.throws(() => unpackJson(Buffer.from([9, 1, 2])), RangeError);
});

test("a body whose packed form spans several output buffers round-trips", () => {
  const big = JSON.stringify({ model: "sim", messages: Array.from({ length: 400 }, (_, i) => ({ role: "user", content: `message ${i} ${(i * 7919).toString(36)}` })) });
  const packed = packJson(big);
  assert.ok(Buffer.isBuffer(packed) && packed.length > 2048, `packed ${packed?.length} bytes: more than one 1 KB buffer`);
  assert.equal(unpackJson(packed), big);
});

test("a short text packs as small as with zlib's default window, within 2 bytes; a long one exactly as before", () => {
  const before = (text: string): number => deflateRawSync(text, { dictionary: DICTIONARY_V1, level: 6 }).length + 1;
  const body = JSON.stringify({ model: "sim-model", messages: [{ role: "system", content: "You are a concise assistant for an online bookshop." }, { role: "user", content: "Do you ship paperbacks to Canada?" }], max_tokens: 16 });
  for (const text of [GUARD, body, `${"x".repeat(2000)}${body}`]) {
    const packed = packJson(text) as Buffer;
    assert.ok(Buffer.isBuffer(packed), "packed");
    assert.equal(unpackJson(packed), text);
    assert.ok(packed.length <= before(text) + 2, `${text.length} chars: ${packed.length} bytes, ${before(text)} with the default window`);
  }
  const long = JSON.stringify({ messages: Array.from({ length: 200 }, (_, i) => ({ role: "user", content: `message number ${i}` })) });
  assert.ok(long.length > 4096);
  const packed = packJson(long) as Buffer;
  assert.equal(unpackJson(packed), long);
  assert.equal(packed.length, before(long));
});

test("the store reads rows written before packing (TEXT JSON, no guard flag) and new packed ones alike", () => {
  const db = openMemorySqlite();
  const store = new SqliteTraceStore(db);
  const guard = [{ scanner: "pii", source: "user", score: 1, triggered: true, action: "block", latency_ms: 2 }];
  store.insertBatch([sampleTrace(1, { guard, requestBody: '{"model":"sim","messages":[]}', attempts: [] })]);
  db.prepare("UPDATE traces SET guard = ?, request_body = ?, attempts = '[]', guard_triggered = NULL").run(JSON.stringify(guard), '{"old":1}');
  store.insertBatch([sampleTrace(2, { guard, requestBody: '{"model":"sim","messages":[]}' })]);
  assert.deepEqual(store.get(sampleTrace(1).id)?.guard, guard);
  assert.equal(store.get(sampleTrace(1).id)?.requestBody, '{"old":1}');
  assert.deepEqual(store.get(sampleTrace(2).id)?.guard, guard);
  assert.equal(store.get(sampleTrace(2).id)?.requestBody, '{"model":"sim","messages":[]}');
  assert.equal(typeof db.prepare("SELECT guard FROM traces WHERE id = ?").pluck().get(sampleTrace(2).id), "object", "packed: a BLOB");
});

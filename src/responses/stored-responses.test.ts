import assert from "node:assert/strict";
import { test } from "node:test";
import { openMemorySqlite } from "../storage/sqlite.js";
import type { ResponseObject } from "./response-object.js";
import type { StoredResponse } from "./response-store.js";
import { SqliteResponseStore } from "./sqlite-response-store.js";
import { StoredResponses } from "./stored-responses.js";

const r = (id: string, keyId = "key_1"): StoredResponse => ({ id, keyId, createdAt: 1000, response: { id } as ResponseObject, conversation: [] });

test("a put is readable at once, reaches the store with the next batch, and stays scoped to its key", async () => {
  const store = new SqliteResponseStore(openMemorySqlite());
  const s = new StoredResponses(store);
  s.put(r("resp_a"));
  assert.equal(s.get("resp_a", "key_1")?.id, "resp_a");
  assert.equal(s.get("resp_a", "key_2"), null);
  assert.equal(store.get("resp_a", "key_1"), null, "not written synchronously");
  await new Promise((ok) => setTimeout(ok, 150));
  assert.equal(store.get("resp_a", "key_1")?.id, "resp_a");
});

test("delete before the flush drops the queued write; another key cannot delete", async () => {
  const store = new SqliteResponseStore(openMemorySqlite());
  const s = new StoredResponses(store);
  s.put(r("resp_a"));
  assert.equal(await s.delete("resp_a", "key_2"), false);
  assert.equal(await s.delete("resp_a", "key_1"), true);
  s.flush();
  assert.equal(store.get("resp_a", "key_1"), null);
  assert.equal(s.get("resp_a", "key_1"), null);
});

test("prune deletes old responses in steps, from memory and the store", async () => {
  const store = new SqliteResponseStore(openMemorySqlite());
  const s = new StoredResponses(store);
  store.putBatch(Array.from({ length: 4500 }, (_, i) => ({ ...r(`resp_${i}`), createdAt: i })));
  s.put({ ...r("resp_hot"), createdAt: 10 });
  s.put({ ...r("resp_new"), createdAt: 9000 });
  s.flush();
  assert.equal(await s.prune(5000), 4501);
  assert.equal(s.get("resp_hot", "key_1"), null);
  assert.equal(s.get("resp_new", "key_1")?.id, "resp_new");
});

test("older responses are read from the store; a store failure is reported, not thrown", () => {
  const store = new SqliteResponseStore(openMemorySqlite());
  store.put(r("resp_old"));
  const errors: unknown[] = [];
  const s = new StoredResponses(store, (e) => errors.push(e));
  assert.equal(s.get("resp_old", "key_1")?.id, "resp_old");
  const broken = new StoredResponses({ ...store, get: () => { throw new Error("disk"); }, put: store.put.bind(store), putBatch: store.putBatch.bind(store), delete: store.delete.bind(store), deleteBefore: store.deleteBefore.bind(store) }, (e) => errors.push(e));
  assert.equal(broken.get("resp_x", "key_1"), null);
  assert.equal(errors.length, 1);
});

test("with a sink, batches go to it, never the store on this thread; delete and close wait for batches in flight", async () => {
  const store = new SqliteResponseStore(openMemorySqlite());
  const writes: { batch: readonly StoredResponse[]; land: () => void }[] = [];
  const errors: unknown[] = [];
  const s = new StoredResponses(store, (e) => errors.push(e), (batch) => new Promise<void>((ok) => writes.push({ batch, land: () => { store.putBatch(batch); ok(); } })));
  s.put(r("resp_a"));
  s.put(r("resp_b"));
  s.flush();
  assert.deepEqual(writes.map((w) => w.batch.map((x) => x.id)), [["resp_a", "resp_b"]]);
  assert.equal(store.get("resp_a", "key_1"), null, "the batch is still in flight");
  let deleted: boolean | undefined;
  const del = s.delete("resp_a", "key_1").then((d) => (deleted = d));
  await new Promise((ok) => setImmediate(ok));
  assert.equal(deleted, undefined, "the delete waits for the write in flight");
  writes[0].land();
  await del;
  assert.equal(deleted, true);
  assert.equal(store.get("resp_a", "key_1"), null, "the write that landed first did not bring it back");
  assert.equal(store.get("resp_b", "key_1")?.id, "resp_b");
  s.put(r("resp_c"));
  const closing = s.close();
  assert.equal(writes.length, 2, "close flushes the queue");
  writes[1].land();
  await closing;
  assert.equal(store.get("resp_c", "key_1")?.id, "resp_c");
  assert.deepEqual(errors, []);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResponseObject } from "./response-object.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";

/** What every ResponseStore backend must do (docs/contributing.md, "Adding a store"). */
export function responseStoreContract(label: string, make: () => ResponseStore | Promise<ResponseStore>): void {
  const stored = (id: string, keyId: string, createdAt: number, text = "hi"): StoredResponse => ({
    id, keyId, createdAt,
    response: { id, object: "response", created_at: Math.floor(createdAt / 1000), status: "completed", output: [] } as unknown as ResponseObject,
    conversation: [{ role: "user", content: text }, { role: "assistant", content: `re: ${text}` }],
  });

  test(`${label}: a put response reads back whole, for its key only`, async () => {
    const s = await make();
    await s.put(stored("resp_a", "key_1", 1000));
    const got = await s.get("resp_a", "key_1");
    assert.deepEqual(got, stored("resp_a", "key_1", 1000));
    assert.equal(await s.get("resp_a", "key_2"), null);
    assert.equal(await s.get("resp_missing", "key_1"), null);
  });

  test(`${label}: a repeated put of an id keeps the last write`, async () => {
    const s = await make();
    await s.put(stored("resp_a", "key_1", 1000, "first"));
    await s.put(stored("resp_a", "key_1", 1000, "second"));
    assert.equal((await s.get("resp_a", "key_1"))?.conversation[0].content, "second");
  });

  test(`${label}: putBatch writes every response, a later one of an id winning`, async () => {
    const s = await make();
    await s.putBatch([stored("resp_a", "key_1", 1000, "one"), stored("resp_b", "key_2", 1000), stored("resp_a", "key_1", 1000, "two")]);
    assert.equal((await s.get("resp_a", "key_1"))?.conversation[0].content, "two");
    assert.ok(await s.get("resp_b", "key_2"));
    await s.putBatch([]);
  });

  test(`${label}: delete removes the key's response; another key's delete changes nothing`, async () => {
    const s = await make();
    await s.put(stored("resp_a", "key_1", 1000));
    assert.equal(await s.delete("resp_a", "key_2"), false);
    assert.ok(await s.get("resp_a", "key_1"));
    assert.equal(await s.delete("resp_a", "key_1"), true);
    assert.equal(await s.get("resp_a", "key_1"), null);
    assert.equal(await s.delete("resp_a", "key_1"), false);
  });

  test(`${label}: deleteBefore removes exactly the older responses`, async () => {
    const s = await make();
    await s.put(stored("resp_old", "key_1", 1000));
    await s.put(stored("resp_edge", "key_1", 2000));
    await s.put(stored("resp_new", "key_2", 3000));
    await s.put(stored("resp_older", "key_1", 500));
    assert.equal(await s.deleteBefore(2000, 1), 1, "at most limit");
    assert.equal(await s.get("resp_older", "key_1"), null, "oldest first");
    assert.ok(await s.get("resp_old", "key_1"));
    assert.equal(await s.deleteBefore(2000, 10), 1);
    assert.equal(await s.get("resp_old", "key_1"), null);
    assert.ok(await s.get("resp_edge", "key_1"));
    assert.ok(await s.get("resp_new", "key_2"));
  });
}

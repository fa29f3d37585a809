import { test } from "node:test";
import assert from "node:assert/strict";
import type { CacheBackend, CacheTags, StoredEntry } from "./cache-backend.js";

/**
 * What the cache service relies on from every backend (memory, SQLite, Redis): round trips,
 * replacement, expiry at `expiresAt`, deletes, purges by each tag, counts. `make` returns a fresh,
 * empty backend; every call is awaited so synchronous and asynchronous backends run it alike.
 */
export function cacheBackendContract(label: string, make: () => CacheBackend | Promise<CacheBackend>): void {
  const T0 = 1_800_000_000_000;
  const tags = (over: Partial<CacheTags> = {}): CacheTags => ({ route: "sim", model: "sim/sim-1", scope: "key:key_a", prompt: null, ...over });
  const entry = (key: string, over: Partial<StoredEntry> = {}): StoredEntry => ({ key, value: `{"v":1,"k":"${key}"}`, createdAt: T0, expiresAt: T0 + 60_000, tags: tags(), ...over });

  async function withBackend(fn: (b: CacheBackend) => Promise<void>): Promise<void> {
    const b = await make();
    try {
      await fn(b);
    } finally {
      await b.close();
    }
  }

  test(`${label}: a stored entry reads back whole; a missing key is null`, () => withBackend(async (b) => {
    const e = entry("k1", { tags: tags({ prompt: "greet@3" }) });
    await b.set(e);
    assert.deepEqual(await b.get("k1", T0 + 1), e);
    assert.equal(await b.get("k2", T0 + 1), null);
    assert.equal(await b.count(), 1);
  }));

  test(`${label}: a second write under a key replaces the first`, () => withBackend(async (b) => {
    await b.set(entry("k1", { value: "first" }));
    await b.set(entry("k1", { value: "second" }));
    assert.equal((await b.get("k1", T0 + 1))?.value, "second");
    assert.equal(await b.count(), 1);
  }));

  test(`${label}: an entry is never returned at or after its expiry`, () => withBackend(async (b) => {
    await b.set(entry("k1", { expiresAt: T0 + 1000 }));
    assert.ok(await b.get("k1", T0 + 999));
    assert.equal(await b.get("k1", T0 + 1000), null);
    assert.equal(await b.get("k1", T0 + 5000), null);
  }));

  test(`${label}: delete removes one entry and ignores a missing key`, () => withBackend(async (b) => {
    await b.set(entry("k1"));
    await b.set(entry("k2"));
    await b.delete("k1");
    await b.delete("absent");
    assert.equal(await b.get("k1", T0 + 1), null);
    assert.ok(await b.get("k2", T0 + 1));
  }));

  test(`${label}: purge deletes exactly the entries matching every given tag, and says how many`, () => withBackend(async (b) => {
    await b.set(entry("a", { tags: tags({ route: "r1", scope: "key:key_a", prompt: "greet@1" }) }));
    await b.set(entry("b", { tags: tags({ route: "r1", scope: "key:key_b", prompt: "greet@2" }) }));
    await b.set(entry("c", { tags: tags({ route: "r2", model: "openai/gpt-x", scope: "key:key_a" }) }));
    await b.set(entry("d", { tags: tags({ route: "r2", scope: "team:red", prompt: "greeting@1" }) }));
    assert.equal(await b.purge({ route: "r1", scope: "key:key_b" }), 1);
    assert.equal(await b.get("b", T0 + 1), null);
    assert.equal(await b.purge({ prompt: "greet" }), 1, "a bare prompt name matches its versions, not a longer name");
    assert.equal(await b.get("a", T0 + 1), null);
    assert.ok(await b.get("d", T0 + 1));
    assert.equal(await b.purge({ model: "openai/gpt-x" }), 1);
    assert.equal(await b.purge({ prompt: "greeting@1" }), 1);
    assert.equal(await b.count(), 0);
    await b.set(entry("e"));
    await b.set(entry("f"));
    assert.equal(await b.purge({}), 2, "an empty filter purges all");
    assert.equal(await b.count(), 0);
  }));

  test(`${label}: an entry's semantic part reads back, and the live ones come back for a rebuild, newest first by limit, oldest first in order`, () => withBackend(async (b) => {
    const v = (x: number): Float32Array => Float32Array.from([x, 0.5, -0.25, 1e-7]);
    await b.set(entry("s1", { createdAt: T0, semantic: { context: "c1", vector: v(0.1) } }));
    await b.set(entry("s2", { createdAt: T0 + 2, semantic: { context: "c2", vector: v(0.2) } }));
    await b.set(entry("s3", { createdAt: T0 + 1, semantic: { context: "c1", vector: v(0.3) } }));
    await b.set(entry("dead", { createdAt: T0 + 3, expiresAt: T0 + 10, semantic: { context: "c1", vector: v(0.4) } }));
    await b.set(entry("plain", { createdAt: T0 + 4 }));
    const got = await b.get("s1", T0 + 1);
    assert.equal(got?.semantic?.context, "c1");
    assert.deepEqual(Array.from(got!.semantic!.vector), Array.from(v(0.1)));
    assert.equal((await b.get("plain", T0 + 1))?.semantic, undefined);
    const rows = await b.semanticEntries(T0 + 10, 10);
    assert.deepEqual(rows.map((r) => [r.key, r.context, r.createdAt]), [["s1", "c1", T0], ["s3", "c1", T0 + 1], ["s2", "c2", T0 + 2]], "expired and plain entries are left out");
    assert.deepEqual(Array.from(rows[2].vector), Array.from(v(0.2)));
    assert.deepEqual((await b.semanticEntries(T0 + 10, 2)).map((r) => r.key), ["s3", "s2"], "the newest within the limit");
    await b.purge({});
    assert.deepEqual(await b.semanticEntries(T0 + 10, 10), []);
  }));
}

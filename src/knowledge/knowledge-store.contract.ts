import assert from "node:assert/strict";
import { test } from "node:test";
import type { KnowledgeStore } from "./knowledge-store.js";
import type { ChunkRecord, ConflictRecord, DocumentRecord, StoreFileRecord, VectorStoreRecord } from "./types.js";

const vs = (id: string, createdAt: number): VectorStoreRecord => ({ id, name: id, metadata: { k: "v" }, chunking: null, maxAgeMs: null, createdAt, lastActiveAt: createdAt, owner: null, access: { keys: [], teams: [] } });
const doc = (id: string, storeId: string, fileId: string, version: number, at: number): DocumentRecord => ({
  id, storeId, fileId, sourceUri: "handbook.md", contentHash: `h${version}`, version, validFrom: at, updatedAt: at, expiresAt: null, owner: "team-a", licence: "CC-BY-4.0", supersededAt: null,
});
const chunk = (documentId: string, storeId: string, ordinal: number, text: string, status: ChunkRecord["status"] = "live"): Omit<ChunkRecord, "key"> => ({
  documentId, storeId, ordinal, text, textHash: `t:${text}`, embedding: new Float32Array([ordinal, 0.5, -1]), status, verdict: status === "quarantined" ? [{ scanner: "indirect_injection", score: 0.9, types: ["instruction_override"] }] : null,
});
const att = (storeId: string, fileId: string, createdAt: number, status: StoreFileRecord["status"] = "in_progress"): StoreFileRecord => ({ storeId, fileId, status, lastError: null, attributes: { team: "a" }, documentId: null, chunks: 0, quarantined: 0, createdAt });

const conflict = (id: string, storeId: string, left: [string, number], right: [string, number], at: number, value = "10"): ConflictRecord => ({
  id, storeId, status: "open", kind: "number",
  left: { documentId: left[0], fileId: `f-${left[0]}`, version: 1, chunkKey: left[1], text: `It takes ${value} days.`, value },
  right: { documentId: right[0], fileId: `f-${right[0]}`, version: 1, chunkKey: right[1], text: "It takes 12 days.", value: "12" },
  similarity: 0.91, overlap: 0.8, detectedAt: at, resolvedBy: null, resolvedAt: null, note: null,
});

/** What callers of a KnowledgeStore rely on, through the interface only; `make` returns a fresh, empty store. */
export function knowledgeStoreContract(label: string, make: () => KnowledgeStore | Promise<KnowledgeStore>): void {
  test(`${label}: files keep their bytes; pages newest first lose nothing; delete`, async () => {
    const s = await make();
    for (let i = 0; i < 5; i++) await s.putFile({ id: `file-${i}`, filename: `f${i}.txt`, purpose: i === 4 ? "user_data" : "assistants", bytes: 3, createdAt: 1000 + (i % 3), owner: "key_1", ownerTeam: null }, new Uint8Array([i, 1, 2]));
    assert.deepEqual([...((await s.fileContent("file-2")) ?? [])], [2, 1, 2]);
    assert.equal((await s.getFile("file-2"))?.filename, "f2.txt");
    const first = await s.listFiles({ limit: 2 });
    const second = await s.listFiles({ limit: 2, after: first[1].id });
    const third = await s.listFiles({ limit: 2, after: second[1].id });
    const all = [...first, ...second, ...third].map((f) => f.id);
    assert.deepEqual(all, ["file-2", "file-4", "file-1", "file-3", "file-0"]);
    assert.deepEqual((await s.listFiles({ limit: 10, order: "asc" })).map((f) => f.id), [...all].reverse());
    assert.deepEqual((await s.listFiles({ limit: 10, purpose: "user_data" })).map((f) => f.id), ["file-4"]);
    assert.equal(await s.deleteFile("file-2"), true);
    assert.equal(await s.deleteFile("file-2"), false);
    assert.equal(await s.getFile("file-2"), undefined);
    assert.deepEqual(await s.listFiles({ limit: 10, after: "file-2" }), [], "a page after an id that no longer exists is empty");
  });

  test(`${label}: stores upsert, list and delete with everything in them`, async () => {
    const s = await make();
    await s.putStore(vs("vs_a", 1));
    await s.putStore(vs("vs_b", 2));
    await s.putStore({ ...vs("vs_a", 1), name: "renamed", maxAgeMs: 5000, chunking: { size: 400, overlap: 50 } });
    assert.deepEqual(await s.getStore("vs_a"), { ...vs("vs_a", 1), name: "renamed", maxAgeMs: 5000, chunking: { size: 400, overlap: 50 } });
    assert.deepEqual((await s.listStores({ limit: 10 })).map((v) => v.id), ["vs_b", "vs_a"]);
    await s.putFile({ id: "file-x", filename: "x.md", purpose: "assistants", bytes: 1, createdAt: 1, owner: null, ownerTeam: null }, new Uint8Array([1]));
    await s.putAttachment(att("vs_a", "file-x", 5));
    const [c] = await s.insertDocument(doc("doc_1", "vs_a", "file-x", 1, 10), [chunk("doc_1", "vs_a", 0, "alpha")]);
    assert.equal(await s.deleteStore("vs_a"), true);
    assert.equal(await s.getStore("vs_a"), undefined);
    assert.equal(await s.getAttachment("vs_a", "file-x"), undefined);
    assert.deepEqual(await s.getChunks([c.key]), []);
    assert.deepEqual(await s.documentsOf("vs_a"), []);
    assert.equal(await s.deleteStore("vs_a"), false);
    assert.ok(await s.getFile("file-x"), "a file outlives the store it was in");
  });

  test(`${label}: attachments replace by (store, file), page and count by status`, async () => {
    const s = await make();
    await s.putStore(vs("vs_a", 1));
    for (let i = 0; i < 4; i++) await s.putAttachment(att("vs_a", `file-${i}`, 10 + i));
    await s.putAttachment({ ...att("vs_a", "file-1", 11, "failed"), lastError: { code: "invalid_file", message: "bad" } });
    assert.deepEqual((await s.getAttachment("vs_a", "file-1"))?.lastError, { code: "invalid_file", message: "bad" });
    assert.deepEqual(await s.attachmentCounts("vs_a"), { in_progress: 3, completed: 0, failed: 1, cancelled: 0 });
    const p1 = await s.listAttachments("vs_a", { limit: 2 });
    const p2 = await s.listAttachments("vs_a", { limit: 2, after: p1[1].fileId });
    assert.deepEqual([...p1, ...p2].map((a) => a.fileId), ["file-3", "file-2", "file-1", "file-0"]);
    assert.deepEqual((await s.listAttachments("vs_a", { limit: 10, status: "failed" })).map((a) => a.fileId), ["file-1"]);
    assert.deepEqual(await s.listAttachments("vs_other", { limit: 10 }), []);
  });

  test(`${label}: a new version supersedes the old one in one step; chunks dedup by hash and keep their embedding`, async () => {
    const s = await make();
    await s.putStore(vs("vs_a", 1));
    const v1 = await s.insertDocument(doc("doc_1", "vs_a", "file-1", 1, 100), [chunk("doc_1", "vs_a", 0, "alpha"), chunk("doc_1", "vs_a", 1, "alpha"), chunk("doc_1", "vs_a", 2, "beta")]);
    assert.equal(v1.length, 2, "the repeated text is stored once");
    assert.ok(v1[0].key < v1[1].key);
    assert.deepEqual([...(await s.getChunks([v1[0].key]))[0].embedding], [0, 0.5, -1]);
    assert.equal((await s.latestDocument("vs_a", "handbook.md"))?.id, "doc_1");
    await s.insertDocument(doc("doc_2", "vs_a", "file-2", 2, 200), [chunk("doc_2", "vs_a", 0, "alpha")], "doc_1");
    assert.equal((await s.latestDocument("vs_a", "handbook.md"))?.id, "doc_2");
    assert.equal((await s.getDocument("doc_1"))?.supersededAt, 200);
    assert.equal((await s.getDocument("doc_2"))?.supersededAt, null);
    assert.deepEqual((await s.documentsOf("vs_a")).map((d) => d.id), ["doc_1", "doc_2"]);
    assert.equal((await s.chunksOf("vs_a")).length, 3);
    assert.deepEqual(await s.liveChunkKeys("vs_a"), (await s.chunksOf("vs_a")).map((c) => c.key), "live keys, ascending");
    assert.deepEqual(await s.liveChunkKeys("vs_none"), []);
    assert.deepEqual((await s.getChunks([v1[1].key, 987_654, v1[0].key])).map((c) => c.text), ["beta", "alpha"], "in the order asked, missing keys skipped");
  });

  test(`${label}: deleting an attachment deletes its versions' chunks and returns their keys`, async () => {
    const s = await make();
    await s.putStore(vs("vs_a", 1));
    await s.putAttachment(att("vs_a", "file-1", 1));
    const ins = await s.insertDocument(doc("doc_1", "vs_a", "file-1", 1, 100), [chunk("doc_1", "vs_a", 0, "alpha"), chunk("doc_1", "vs_a", 1, "beta")]);
    const keys = await s.deleteAttachment("vs_a", "file-1");
    assert.deepEqual([...keys].sort((a, b) => a - b), ins.map((c) => c.key));
    assert.deepEqual(await s.chunksOf("vs_a"), []);
    assert.equal(await s.getDocument("doc_1"), undefined);
  });

  test(`${label}: quarantined chunks list in key order with their verdict; release makes one live once`, async () => {
    const s = await make();
    await s.putStore(vs("vs_a", 1));
    const ins = await s.insertDocument(doc("doc_1", "vs_a", "file-1", 1, 100), [chunk("doc_1", "vs_a", 0, "ok"), chunk("doc_1", "vs_a", 1, "bad one", "quarantined"), chunk("doc_1", "vs_a", 2, "bad two", "quarantined")]);
    const q = await s.quarantined(10);
    assert.deepEqual(q.map((c) => c.text), ["bad one", "bad two"]);
    assert.equal(q[0].verdict?.[0].scanner, "indirect_injection");
    assert.deepEqual((await s.quarantined(10, q[0].key)).map((c) => c.text), ["bad two"]);
    assert.deepEqual(await s.liveChunkKeys("vs_a"), [ins[0].key], "quarantined chunks are not live");
    assert.equal(await s.release(ins[1].key), true);
    assert.deepEqual(await s.liveChunkKeys("vs_a"), [ins[0].key, ins[1].key]);
    assert.equal(await s.release(ins[1].key), false);
    assert.equal(await s.release(ins[0].key), false, "a live chunk is not released");
    assert.equal((await s.getChunks([ins[1].key]))[0].status, "live");
    assert.deepEqual((await s.quarantined(10)).map((c) => c.text), ["bad two"]);
  });

  test(`${label}: listings for a key show its own, its team's, shared and unowned stores and files only`, async () => {
    const s = await make();
    const none = { keys: [], teams: [] };
    await s.putStore({ ...vs("vs_mine", 1), owner: { keyId: "key_a", team: null }, access: none });
    await s.putStore({ ...vs("vs_team", 2), owner: { keyId: "key_t", team: "payments" }, access: none });
    await s.putStore({ ...vs("vs_other", 3), owner: { keyId: "key_b", team: "search" }, access: none });
    await s.putStore({ ...vs("vs_shared_key", 4), owner: { keyId: "key_b", team: "search" }, access: { keys: ["key_a"], teams: [] } });
    await s.putStore({ ...vs("vs_shared_team", 5), owner: { keyId: "key_b", team: "search" }, access: { keys: [], teams: ["payments"] } });
    await s.putStore(vs("vs_legacy", 6));
    await s.putStore({ ...vs("vs_admin_shared", 7), access: { keys: ["key_z"], teams: [] } });
    const ids = async (keyId: string, team: string | null, after?: string): Promise<string[]> => (await s.listStores({ limit: 10, after, visibleTo: { keyId, team } })).map((v) => v.id);
    assert.deepEqual(await ids("key_a", null), ["vs_legacy", "vs_shared_key", "vs_mine"]);
    assert.deepEqual(await ids("key_a", "payments"), ["vs_legacy", "vs_shared_team", "vs_shared_key", "vs_team", "vs_mine"]);
    assert.deepEqual(await ids("key_a", "payments", "vs_shared_key"), ["vs_team", "vs_mine"], "pages of a filtered listing lose nothing");
    assert.equal((await s.listStores({ limit: 10 })).length, 7, "no viewer: every store");
    assert.deepEqual(await ids("key_z", null), ["vs_admin_shared", "vs_legacy"], "an unowned store with a share list is its list's only");
    assert.deepEqual((await s.getStore("vs_shared_team"))?.access, { keys: [], teams: ["payments"] });
    assert.deepEqual((await s.getStore("vs_team"))?.owner, { keyId: "key_t", team: "payments" });
    await s.putStore({ ...vs("vs_shared_key", 4), owner: { keyId: "key_b", team: "search" }, access: none });
    assert.deepEqual(await ids("key_a", null), ["vs_legacy", "vs_mine"], "a replaced share list is the whole list");
    await s.putFile({ id: "file-a", filename: "a", purpose: "assistants", bytes: 1, createdAt: 1, owner: "key_a", ownerTeam: null }, new Uint8Array([1]));
    await s.putFile({ id: "file-t", filename: "t", purpose: "assistants", bytes: 1, createdAt: 2, owner: "key_t", ownerTeam: "payments" }, new Uint8Array([1]));
    await s.putFile({ id: "file-b", filename: "b", purpose: "assistants", bytes: 1, createdAt: 3, owner: "key_b", ownerTeam: "search" }, new Uint8Array([1]));
    assert.deepEqual((await s.listFiles({ limit: 10, visibleTo: { keyId: "key_a", team: "payments" } })).map((f) => f.id), ["file-t", "file-a"]);
    assert.deepEqual((await s.listFiles({ limit: 10, visibleTo: { keyId: "key_a", team: null } })).map((f) => f.id), ["file-a"]);
    assert.equal((await s.getFile("file-t"))?.ownerTeam, "payments");
  });

  test(`${label}: conflicts are recorded once per chunks and values, listed newest first by store and status, resolved with who and why`, async () => {
    const s = await make();
    await s.putStore(vs("vs_a", 1));
    assert.equal(await s.putConflicts([conflict("kc_1", "vs_a", ["doc_1", 1], ["doc_2", 2], 100), conflict("kc_2", "vs_a", ["doc_1", 1], ["doc_3", 3], 200), conflict("kc_3", "vs_b", ["doc_9", 9], ["doc_8", 10], 300)]), 3);
    assert.equal(await s.putConflicts([conflict("kc_again", "vs_a", ["doc_1", 1], ["doc_2", 2], 400)]), 0, "the same pair and values again is not new");
    assert.equal(await s.putConflicts([conflict("kc_4", "vs_a", ["doc_1", 1], ["doc_2", 2], 400, "11")]), 1, "other values in the same chunks are another conflict");
    assert.deepEqual((await s.listConflicts({ limit: 10, storeId: "vs_a" })).map((c) => c.id), ["kc_4", "kc_2", "kc_1"]);
    const p1 = await s.listConflicts({ limit: 2 });
    const p2 = await s.listConflicts({ limit: 2, after: p1[1].id });
    assert.deepEqual([...p1, ...p2].map((c) => c.id), ["kc_4", "kc_3", "kc_2", "kc_1"]);
    const got = await s.getConflict("kc_1");
    assert.deepEqual(got, conflict("kc_1", "vs_a", ["doc_1", 1], ["doc_2", 2], 100));
    const r = await s.setConflictStatus("kc_1", "resolved", "alice", "v2 of the handbook is right", 500);
    assert.deepEqual([r?.status, r?.resolvedBy, r?.resolvedAt, r?.note], ["resolved", "alice", 500, "v2 of the handbook is right"]);
    assert.equal(await s.setConflictStatus("kc_missing", "dismissed", "alice", null, 500), undefined);
    assert.deepEqual((await s.listConflicts({ limit: 10, status: "open" })).map((c) => c.id), ["kc_4", "kc_3", "kc_2"]);
    assert.equal(await s.putConflicts([conflict("kc_5", "vs_a", ["doc_1", 1], ["doc_2", 2], 600)]), 0, "a rescan never reopens a resolved conflict");
  });

  test(`${label}: superseding a version resolves its open conflicts; deleting an attachment or a store deletes them`, async () => {
    const s = await make();
    await s.putStore(vs("vs_a", 1));
    await s.putAttachment(att("vs_a", "file-1", 1));
    await s.putAttachment(att("vs_a", "file-2", 2));
    const [a] = await s.insertDocument({ ...doc("doc_1", "vs_a", "file-1", 1, 100), sourceUri: "a.md" }, [chunk("doc_1", "vs_a", 0, "alpha")]);
    const [b] = await s.insertDocument({ ...doc("doc_2", "vs_a", "file-2", 1, 100), sourceUri: "b.md" }, [chunk("doc_2", "vs_a", 0, "beta")]);
    await s.putConflicts([conflict("kc_1", "vs_a", ["doc_1", a.key], ["doc_2", b.key], 150), conflict("kc_2", "vs_a", ["doc_9", 90], ["doc_2", b.key], 160)]);
    await s.setConflictStatus("kc_2", "dismissed", "bob", "not the same plan", 170);
    await s.insertDocument({ ...doc("doc_3", "vs_a", "file-3", 2, 200), sourceUri: "b.md" }, [chunk("doc_3", "vs_a", 0, "gamma")], "doc_2");
    const c1 = await s.getConflict("kc_1");
    assert.deepEqual([c1?.status, c1?.resolvedBy, c1?.resolvedAt], ["resolved", "keel", 200]);
    assert.match(c1?.note ?? "", /superseded by doc_3/);
    assert.equal((await s.getConflict("kc_2"))?.status, "dismissed", "only open ones are closed");
    await s.deleteAttachment("vs_a", "file-1");
    assert.equal(await s.getConflict("kc_1"), undefined);
    assert.ok(await s.getConflict("kc_2"));
    await s.deleteStore("vs_a");
    assert.deepEqual(await s.listConflicts({ limit: 10 }), []);
  });
}

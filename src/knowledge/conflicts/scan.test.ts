import assert from "node:assert/strict";
import { test } from "node:test";
import { openMemorySqlite } from "../../storage/sqlite.js";
import { ExactIndex } from "../exact-index.js";
import { SqliteKnowledgeStore } from "../sqlite-knowledge-store.js";
import type { ChunkRecord, DocumentRecord } from "../types.js";
import { scanConflicts } from "./scan.js";

const unit = (...v: number[]): Float32Array => {
  const n = Math.hypot(...v);
  return new Float32Array(v.map((x) => x / n));
};

function setup() {
  const store = new SqliteKnowledgeStore(openMemorySqlite());
  store.putStore({ id: "vs_a", name: "a", metadata: {}, chunking: null, maxAgeMs: null, createdAt: 1, lastActiveAt: 1, owner: null, access: { keys: [], teams: [] } });
  const index = new ExactIndex(3);
  let n = 0;
  const add = (source: string, text: string, embedding: Float32Array, opts: { supersedes?: string; status?: ChunkRecord["status"]; more?: string } = {}): { doc: DocumentRecord; chunks: ChunkRecord[] } => {
    const id = `doc_${++n}`;
    const doc: DocumentRecord = { id, storeId: "vs_a", fileId: `file-${n}`, sourceUri: source, contentHash: `h${n}`, version: opts.supersedes ? 2 : 1, validFrom: n, updatedAt: n, expiresAt: null, owner: null, licence: null, supersededAt: null };
    const texts = [text, ...(opts.more ? [opts.more] : [])];
    const chunks = store.insertDocument(doc, texts.map((t, i) => ({ documentId: id, storeId: "vs_a", ordinal: i, text: t, textHash: `${id}:${i}`, embedding, status: opts.status ?? "live", verdict: null })), opts.supersedes);
    for (const c of chunks) if (c.status === "live") index.add(c.key, c.embedding);
    return { doc, chunks };
  };
  const scan = (focus: readonly ChunkRecord[]) =>
    scanConflicts({ store, storeId: "vs_a", nearest: (v, k) => index.search(v, k).map((h) => h.key), now: 1000, newId: (() => { let i = 0; return () => `kc_${++i}`; })() }, focus);
  return { store, add, scan };
}

test("a scan compares a document's chunks with near chunks of other live documents only", () => {
  const { store, add, scan } = setup();
  const near = unit(1, 0.1, 0);
  const a = add("a.md", "Refunds take 5 business days.", near, { more: "Refunds take 9 business days." });
  assert.deepEqual(scan(a.chunks), [], "two chunks of one document never conflict");
  const b = add("b.md", "Refunds take 10 business days.", unit(1, 0.12, 0));
  const found = scan(b.chunks);
  assert.deepEqual(found.map((c) => [c.left.value, c.right.value]).sort(), [["5", "10"], ["9", "10"]]);
  assert.ok(found.every((c) => c.left.chunkKey < c.right.chunkKey && c.right.documentId === b.doc.id && c.similarity > 0.99));
  add("c.md", "Refunds take 20 business days.", unit(0, 0, 1));
  const full = scan(store.chunksOf("vs_a"));
  assert.deepEqual(full.map((c) => [c.left.value, c.right.value]).sort(), [["5", "10"], ["9", "10"]], "a full scan finds each pair once; the far chunk (similarity < 0.5) is never compared");
});

test("superseded versions and quarantined chunks never conflict", () => {
  const { store, add, scan } = setup();
  const v = unit(1, 0, 0);
  const old = add("a.md", "The plan costs $10 per month.", v);
  add("a.md", "The plan costs $12 per month.", v, { supersedes: old.doc.id });
  assert.deepEqual(scan(store.chunksOf("vs_a")), [], "v1 is superseded by v2");
  add("q.md", "The plan costs $15 per month.", v, { status: "quarantined" });
  assert.deepEqual(scan(store.chunksOf("vs_a")), [], "a quarantined chunk is not served, so not compared");
  const live = add("b.md", "The plan costs $20 per month.", v);
  assert.deepEqual(scan(live.chunks).map((c) => [c.kind, c.left.value, c.right.value]), [["amount", "$12", "$20"]]);
});

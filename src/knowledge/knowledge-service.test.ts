import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { openMemorySqliteWith } from "../store/sqlite.js";
import { KNOWLEDGE_MIGRATIONS } from "./knowledge-migrations.js";
import { knowledgeConfigSchema } from "./knowledge-schema.js";
import { KnowledgeService } from "./knowledge-service.js";
import { SqliteKnowledgeStore } from "./sqlite-knowledge-store.js";

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

test("a new service over the same rows resumes unfinished ingestion and rebuilds the index from SQLite", async () => {
  const store = new SqliteKnowledgeStore(openMemorySqliteWith(KNOWLEDGE_MIGRATIONS));
  const config = knowledgeConfigSchema.parse({ index: "hnsw" });
  const embedder = getDefaultEmbedder();
  const first = new KnowledgeService({ store, embedder, config, screen: null });
  const vs = first.createStore({ name: "s", metadata: {}, chunking: { size: 200, overlap: 0 }, maxAgeMs: null });
  const done = first.createFile("a.md", "assistants", utf8("The lighthouse keeper logs the tide every six hours."), null);
  first.attach(vs.id, done.id, {});
  await first.idle();
  // An attachment recorded in progress but never ingested: what a stop mid-queue leaves behind.
  const pending = first.createFile("b.md", "assistants", utf8("Ferries to the island leave from pier nine at dawn."), null);
  store.putAttachment({ storeId: vs.id, fileId: pending.id, status: "in_progress", lastError: null, attributes: {}, documentId: null, chunks: 0, quarantined: 0, createdAt: 1 });
  await first.close();

  const second = new KnowledgeService({ store, embedder, config, screen: null });
  second.start();
  await second.idle();
  assert.equal(second.attachment(vs.id, pending.id).status, "completed");
  const [tide] = await second.search(vs.id, { query: "how often is the tide logged", maxResults: 1 });
  assert.equal(tide.document.fileId, done.id);
  const [ferry] = await second.search(vs.id, { query: "where do ferries leave from", maxResults: 1 });
  assert.equal(ferry.document.fileId, pending.id);
  // Concurrent first searches share one rebuild.
  const third = new KnowledgeService({ store, embedder, config, screen: null });
  const [a, b] = await Promise.all([third.search(vs.id, { query: "tide", maxResults: 2, mode: "keyword" }), third.search(vs.id, { query: "ferries", maxResults: 2, mode: "keyword" })]);
  assert.equal(a[0].document.fileId, done.id);
  assert.equal(b[0].document.fileId, pending.id);
  await embedder.close();
});

test("a saved HNSW index is loaded at the next start while it matches the chunks, and rebuilt once they change", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-kn-index-"));
  const store = new SqliteKnowledgeStore(openMemorySqliteWith(KNOWLEDGE_MIGRATIONS));
  const config = knowledgeConfigSchema.parse({ index: "hnsw" });
  const embedder = getDefaultEmbedder();
  const ready: string[] = [];
  const open = () => new KnowledgeService({ store, embedder, config, screen: null, indexDir: dir, onIndexReady: (_s, how) => ready.push(how), onError: (what, err) => assert.fail(`${what}: ${String(err)}`) });
  try {
    const first = open();
    const vs = first.createStore({ name: "s", metadata: {}, chunking: { size: 200, overlap: 0 }, maxAgeMs: null });
    const tide = first.createFile("a.md", "assistants", utf8("The lighthouse keeper logs the tide every six hours."), null);
    first.attach(vs.id, tide.id, {});
    await first.idle();
    await first.search(vs.id, { query: "tide", maxResults: 1 });
    assert.ok(existsSync(join(dir, `${vs.id}.usearch`)), "saved after the build");
    // Ingested after the build: saved again at close.
    const ferry = first.createFile("b.md", "assistants", utf8("Ferries to the island leave from pier nine at dawn."), null);
    first.attach(vs.id, ferry.id, {});
    await first.idle();
    await first.close();

    const second = open();
    const [hit] = await second.search(vs.id, { query: "where do ferries leave from", maxResults: 1 });
    assert.equal(hit.document.fileId, ferry.id);
    await second.close();
    assert.deepEqual(ready, ["built", "loaded"]);

    // A chunk removed behind the saved file's back (another instance, or a crash before close): rebuilt, and it is not served.
    store.deleteAttachment(vs.id, ferry.id);
    const third = open();
    const hits = await third.search(vs.id, { query: "where do ferries leave from", maxResults: 5 });
    assert.ok(hits.every((h) => h.document.fileId !== ferry.id));
    assert.deepEqual(ready, ["built", "loaded", "built"]);
    third.deleteStore(vs.id);
    assert.equal(existsSync(join(dir, `${vs.id}.usearch`)), false, "deleted with its store");
    await third.close();
  } finally {
    await embedder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

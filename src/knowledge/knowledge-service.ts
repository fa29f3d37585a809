import { KeelError } from "../errors/errors.js";
import { type KnowledgeCaller, mayUseFile, mayUseStore, NO_SHARING, type StoreNeed, viewerOf } from "./access.js";
import type { Embedder } from "../providers/embeddings/embedder.js";
import { randomHex } from "../random/random-hex.js";
import { scanConflicts } from "./conflicts/scan.js";
import { ingestAttachment } from "./ingest.js";
import type { KnowledgeConfig } from "./knowledge-schema.js";
import type { ConflictQuery, KnowledgeStore, PageQuery } from "./knowledge-store.js";
import type { ChunkScreen } from "./screening.js";
import { searchStore, type SearchQuery, type SearchResult } from "./search.js";
import { HnswIndex } from "./hnsw-index.js";
import { deleteSavedIndex, loadSavedIndex, saveIndex } from "./saved-index.js";
import { keyFingerprint, StoreIndex } from "./store-index.js";
import type { Attributes, ChunkRecord, ConflictRecord, DocumentRecord, ConflictStatus, FileRecord, StoreFileRecord, VectorStoreRecord } from "./types.js";

export interface KnowledgeDeps {
  store: KnowledgeStore;
  embedder: Embedder;
  config: KnowledgeConfig;
  /** Ingestion screen (screening.ts); null: chunks are searchable unscreened. */
  screen: ChunkScreen | null;
  now?: () => number;
  onError?: (what: string, err: unknown) => void;
  /**
   * Where HNSW indexes are saved (saved-index.ts): after a rebuild and at close, loaded on a
   * store's first search when they still match its chunks. Absent: rebuilt on every start.
   */
  indexDir?: string;
  /** A store's index is ready: loaded from its saved file, or built from the chunks. */
  onIndexReady?: (storeId: string, how: "loaded" | "built", chunks: number, ms: number) => void;
}

/**
 * Files, vector stores and retrieval. Ingestion runs off the request path: `attach` records the
 * attachment `in_progress` and returns; one serial queue extracts, screens, embeds and stores, so
 * two uploads never compete for the embedder. Indexes are in memory, built from the stored chunks
 * on a store's first search and kept current by ingestion, deletion and release.
 */
export class KnowledgeService {
  private readonly store: KnowledgeStore;
  private readonly now: () => number;
  private readonly indexes = new Map<string, StoreIndex>();
  /** A store's index while its rebuild runs; searches of that store wait for it. */
  private readonly building = new Map<string, Promise<StoreIndex>>();
  /** Each index's `changes` when it was last saved (or loaded): one that moved since is saved at close. */
  private readonly savedAt = new WeakMap<StoreIndex, number>();
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
  private readonly changed: ((storeIds: string[]) => void)[] = [];
  private closed = false;

  constructor(private readonly d: KnowledgeDeps) {
    this.store = d.store;
    this.now = d.now ?? Date.now;
  }

  /** Resumes attachments left in progress by a previous run. */
  start(): void {
    for (let page = this.store.listStores({ limit: 100 }); page.length > 0; page = this.store.listStores({ limit: 100, after: page[page.length - 1].id })) {
      for (const s of page) for (const a of this.store.listAttachments(s.id, { limit: 10_000, status: "in_progress", order: "asc" })) this.enqueue(a);
    }
  }

  /** Resolves when every queued ingestion has finished. */
  idle(): Promise<void> {
    return this.queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await Promise.allSettled(this.building.values());
    for (const [id, idx] of this.indexes) if (this.savedAt.get(idx) !== idx.changes) this.persist(id, idx);
  }

  // Files

  createFile(filename: string, purpose: string, content: Uint8Array, caller: KnowledgeCaller | null): FileRecord {
    const owner = caller?.kind === "key" ? caller.keyId : null;
    const ownerTeam = caller?.kind === "key" ? caller.team : null;
    const f: FileRecord = { id: `file-${randomHex(12)}`, filename, purpose, bytes: content.byteLength, createdAt: this.now(), owner, ownerTeam };
    this.store.putFile(f, content);
    return f;
  }
  /** The file when the caller may use it; another tenant's reads as missing (the same 404, so existence does not leak). */
  fileFor(id: string, caller: KnowledgeCaller): FileRecord {
    const f = this.store.getFile(id);
    if (!f || !mayUseFile(caller, f)) throw new KeelError("not_found", `No file with id ${id}.`, { param: "file_id" });
    return f;
  }
  filesFor(q: PageQuery & { purpose?: string }, caller: KnowledgeCaller): FileRecord[] {
    return this.store.listFiles({ ...q, visibleTo: viewerOf(caller) });
  }
  file(id: string): FileRecord {
    const f = this.store.getFile(id);
    if (!f) throw new KeelError("not_found", `No file with id ${id}.`, { param: "file_id" });
    return f;
  }
  files(q: PageQuery & { purpose?: string }): FileRecord[] {
    return this.store.listFiles(q);
  }
  deleteFile(id: string): void {
    if (!this.store.deleteFile(id)) throw new KeelError("not_found", `No file with id ${id}.`, { param: "file_id" });
  }

  // Vector stores

  /** A store owned by the caller's tenant (none for the admin token: open to every key unless `access` is set). */
  createStore(input: Pick<VectorStoreRecord, "name" | "metadata" | "chunking" | "maxAgeMs"> & { access?: VectorStoreRecord["access"] }, caller?: KnowledgeCaller): VectorStoreRecord {
    const now = this.now();
    const owner = caller?.kind === "key" ? { keyId: caller.keyId, team: caller.team } : null;
    const s: VectorStoreRecord = { id: `vs_${randomHex(12)}`, ...input, access: input.access ?? NO_SHARING, createdAt: now, lastActiveAt: now, owner };
    this.store.putStore(s);
    return s;
  }
  vectorStore(id: string): VectorStoreRecord {
    const s = this.store.getStore(id);
    if (!s) throw new KeelError("not_found", `No vector store with id ${id}.`, { param: "vector_store_id" });
    return s;
  }
  /** The store when the caller may `need` it; otherwise the same 404 as a missing one. */
  storeFor(id: string, caller: KnowledgeCaller, need: StoreNeed): VectorStoreRecord {
    const s = this.store.getStore(id);
    if (!s || !mayUseStore(caller, s, need)) throw new KeelError("not_found", `No vector store with id ${id}.`, { param: "vector_store_id" });
    return s;
  }
  vectorStores(q: PageQuery, caller?: KnowledgeCaller): VectorStoreRecord[] {
    return this.store.listStores({ ...q, visibleTo: caller && viewerOf(caller) });
  }
  updateStore(id: string, patch: Partial<Pick<VectorStoreRecord, "name" | "metadata" | "maxAgeMs" | "access">>): VectorStoreRecord {
    const s = { ...this.vectorStore(id), ...patch, lastActiveAt: this.now() };
    this.store.putStore(s);
    return s;
  }
  deleteStore(id: string): void {
    if (!this.store.deleteStore(id)) throw new KeelError("not_found", `No vector store with id ${id}.`, { param: "vector_store_id" });
    this.dropIndex(id);
    this.emit(id);
  }

  private dropIndex(id: string): void {
    this.indexes.delete(id);
    this.building.delete(id);
    if (this.d.indexDir) deleteSavedIndex(this.d.indexDir, id);
  }

  /** After this instance changed what a store serves (ingested, detached, released, deleted): the change feed tells the others. */
  onChanged(fn: (storeIds: string[]) => void): void {
    this.changed.push(fn);
  }

  private emit(storeId: string): void {
    for (const fn of this.changed) fn([storeId]);
  }

  /** The stores this instance holds an index of. */
  indexedStores(): string[] {
    return [...this.indexes.keys()];
  }

  /**
   * Another instance changed these stores: bring this instance's indexes in line with the chunks in
   * the shared store — only the difference (the keys of the live chunks against the index's), so a
   * large store is not rebuilt for one new document; a store with no index yet builds it on its
   * first search, and a deleted store's index is dropped. Resolves with the chunks added and removed.
   */
  async refresh(storeIds: readonly string[]): Promise<{ added: number; removed: number }> {
    let added = 0;
    let removed = 0;
    for (const id of storeIds) {
      if (!this.store.getStore(id)) {
        if (this.indexes.has(id)) this.dropIndex(id);
        continue;
      }
      // A rebuild in progress reads the chunks as they were when it started: compare after it.
      const idx = await (this.building.get(id) ?? this.indexes.get(id));
      if (!idx || this.indexes.get(id) !== idx) continue;
      const live = this.store.liveChunkKeys(id);
      const liveSet = new Set(live);
      const gone: number[] = [];
      for (const k of idx.keys()) if (!liveSet.has(k)) gone.push(k);
      for (const k of gone) idx.remove(k);
      const missing = live.filter((k) => !idx.has(k));
      for (let i = 0; i < missing.length; i += 256) {
        for (const c of this.store.getChunks(missing.slice(i, i + 256))) idx.add(c);
        if (i + 256 < missing.length) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      added += missing.length;
      removed += gone.length;
    }
    return { added, removed };
  }
  counts(storeId: string): Record<StoreFileRecord["status"], number> {
    return this.store.attachmentCounts(storeId);
  }
  /** Every document version of a store, oldest first. */
  documents(storeId: string): DocumentRecord[] {
    return this.store.documentsOf(storeId);
  }
  document(id: string): DocumentRecord | undefined {
    return this.store.getDocument(id);
  }
  /** Chunks held and quarantined, documents live and superseded: the store's usage. */
  usage(storeId: string): { documents: number; superseded: number } {
    const docs = this.store.documentsOf(storeId);
    return { documents: docs.length, superseded: docs.filter((d) => d.supersededAt !== null).length };
  }

  // Attachments

  attach(storeId: string, fileId: string, attributes: Attributes): StoreFileRecord {
    this.vectorStore(storeId);
    this.file(fileId);
    const a: StoreFileRecord = { storeId, fileId, status: "in_progress", lastError: null, attributes, documentId: null, chunks: 0, quarantined: 0, createdAt: this.now() };
    this.store.putAttachment(a);
    this.enqueue(a);
    return a;
  }
  attachment(storeId: string, fileId: string): StoreFileRecord {
    this.vectorStore(storeId);
    const a = this.store.getAttachment(storeId, fileId);
    if (!a) throw new KeelError("not_found", `File ${fileId} is not in vector store ${storeId}.`, { param: "file_id" });
    return a;
  }
  attachments(storeId: string, q: PageQuery & { status?: StoreFileRecord["status"] }): StoreFileRecord[] {
    this.vectorStore(storeId);
    return this.store.listAttachments(storeId, q);
  }
  detach(storeId: string, fileId: string): void {
    this.attachment(storeId, fileId);
    const keys = this.store.deleteAttachment(storeId, fileId);
    const idx = this.indexes.get(storeId);
    if (idx) for (const k of keys) idx.remove(k);
    this.emit(storeId);
  }

  // Search and quarantine

  async search(storeId: string, q: SearchQuery): Promise<SearchResult[]> {
    const vs = this.vectorStore(storeId);
    const [qv] = await this.d.embedder.embed([q.query.slice(0, this.d.embedder.maxInputChars)]);
    this.store.putStore({ ...vs, lastActiveAt: this.now() });
    const index = await this.indexOf(storeId);
    return searchStore({ store: this.store, index, vs, rrfK: this.d.config.rrf_k, now: this.now() }, q, qv);
  }

  quarantined(limit: number, afterKey?: number): ChunkRecord[] {
    return this.store.quarantined(limit, afterKey);
  }
  /** Makes a quarantined chunk searchable; the caller audits it. */
  release(key: number): ChunkRecord {
    const [c] = this.store.getChunks([key]);
    if (!c || c.status !== "quarantined" || !this.store.release(key)) throw new KeelError("not_found", `No quarantined chunk ${key}.`, { param: "chunk" });
    this.indexes.get(c.storeId)?.add({ ...c, status: "live" });
    this.emit(c.storeId);
    return c;
  }

  // Conflicts

  /**
   * Compares `chunks` (a new document's; every chunk of the store when absent) with the store's
   * other live documents and records the value conflicts found; returns how many were new. Uses the
   * store's vector index for the nearest chunks, building it if no search has yet.
   */
  async scanConflicts(storeId: string, chunks?: readonly ChunkRecord[]): Promise<number> {
    this.vectorStore(storeId);
    const index = await this.indexOf(storeId);
    const found = scanConflicts(
      { store: this.store, storeId, nearest: (v, k) => index.vectors.search(v, k).map((h) => h.key), now: this.now(), newId: () => `kc_${randomHex(12)}` },
      chunks ?? this.store.chunksOf(storeId),
    );
    return this.store.putConflicts(found);
  }
  conflicts(q: ConflictQuery): ConflictRecord[] {
    return this.store.listConflicts(q);
  }
  conflict(id: string): ConflictRecord {
    const c = this.store.getConflict(id);
    if (!c) throw new KeelError("not_found", `No conflict with id ${id}.`, { param: "id" });
    return c;
  }
  /** Sets a conflict's status with who and why; the caller audits it. Returns the record before and after. */
  setConflictStatus(id: string, status: ConflictStatus, by: string, note: string | null): { before: ConflictRecord; after: ConflictRecord } {
    const before = this.conflict(id);
    const after = this.store.setConflictStatus(id, status, by, note, this.now());
    if (!after) throw new KeelError("not_found", `No conflict with id ${id}.`, { param: "id" });
    return { before, after };
  }

  private indexOf(storeId: string): StoreIndex | Promise<StoreIndex> {
    const ready = this.building.get(storeId) ?? this.indexes.get(storeId);
    if (ready) return ready;
    const t0 = performance.now();
    const chunks = this.store.chunksOf(storeId);
    const saved = this.loadSaved(storeId, chunks);
    // In the map at once, so chunks ingested during the rebuild are added to it too (re-adding a key replaces it).
    const idx = new StoreIndex(this.d.config.index, this.d.embedder.dimensions, saved ?? undefined);
    this.indexes.set(storeId, idx);
    const build = idx
      .addAllInSlices(chunks, 256, saved !== null)
      .then(() => {
        if (saved) this.savedAt.set(idx, idx.changes);
        else this.persist(storeId, idx);
        this.d.onIndexReady?.(storeId, saved ? "loaded" : "built", idx.size(), performance.now() - t0);
        return idx;
      })
      .finally(() => this.building.delete(storeId));
    this.building.set(storeId, build);
    return build;
  }

  private loadSaved(storeId: string, chunks: readonly ChunkRecord[]): HnswIndex | null {
    if (!this.d.indexDir || this.d.config.index !== "hnsw") return null;
    const live: number[] = [];
    for (const c of chunks) if (c.status === "live") live.push(c.key);
    const expect = { fingerprint: keyFingerprint(live), model: this.d.embedder.model, dimensions: this.d.embedder.dimensions };
    return loadSavedIndex(this.d.indexDir, storeId, expect, (err) => this.d.onError?.("loading a saved vector index", err));
  }

  /** Saves an HNSW index; a failure is reported and costs only a rebuild at the next start. */
  private persist(storeId: string, idx: StoreIndex): void {
    if (!this.d.indexDir || !(idx.vectors instanceof HnswIndex) || !this.indexes.has(storeId)) return;
    try {
      saveIndex(this.d.indexDir, storeId, idx.vectors, idx.fingerprint(), this.d.embedder.model);
      this.savedAt.set(idx, idx.changes);
    } catch (err) {
      this.d.onError?.("saving a vector index", err);
    }
  }

  private enqueue(a: StoreFileRecord): void {
    this.pending++;
    this.queue = this.queue.then(async () => {
      try {
        if (this.closed) return;
        const vs = this.store.getStore(a.storeId);
        if (!vs || !this.store.getAttachment(a.storeId, a.fileId)) return;
        const { attachment, inserted } = await ingestAttachment(
          { store: this.store, embedder: this.d.embedder, screen: this.d.screen, chunking: vs.chunking ?? this.d.config.chunking, maxChunks: this.d.config.max_chunks_per_file, now: this.now, newId: () => `doc_${randomHex(12)}` },
          a,
        );
        // Detached while it was being ingested: drop what it produced.
        if (!this.store.getAttachment(a.storeId, a.fileId)) {
          this.store.deleteAttachment(a.storeId, a.fileId);
          return;
        }
        this.store.putAttachment(attachment);
        const idx = this.indexes.get(a.storeId);
        if (idx) for (const c of inserted) idx.add(c);
        this.emit(a.storeId);
        if (this.d.config.conflicts && inserted.length > 0) await this.scanConflicts(a.storeId, inserted);
      } catch (err) {
        this.d.onError?.("knowledge ingestion", err);
      } finally {
        this.pending--;
      }
    });
  }
}

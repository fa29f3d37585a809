import { KeelError } from "../errors/errors.js";
import type { Embedder } from "../providers/embeddings/embedder.js";
import { randomHex } from "../random/random-hex.js";
import { ingestAttachment } from "./ingest.js";
import type { KnowledgeConfig } from "./knowledge-schema.js";
import type { KnowledgeStore, PageQuery } from "./knowledge-store.js";
import type { ChunkScreen } from "./screening.js";
import { searchStore, type SearchQuery, type SearchResult } from "./search.js";
import { StoreIndex } from "./store-index.js";
import type { Attributes, ChunkRecord, DocumentRecord, FileRecord, StoreFileRecord, VectorStoreRecord } from "./types.js";

export interface KnowledgeDeps {
  store: KnowledgeStore;
  embedder: Embedder;
  config: KnowledgeConfig;
  /** Ingestion screen (screening.ts); null: chunks are searchable unscreened. */
  screen: ChunkScreen | null;
  now?: () => number;
  onError?: (what: string, err: unknown) => void;
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
  private queue: Promise<void> = Promise.resolve();
  private pending = 0;
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

  close(): Promise<void> {
    this.closed = true;
    return this.queue;
  }

  // Files

  createFile(filename: string, purpose: string, content: Uint8Array, owner: string | null): FileRecord {
    const f: FileRecord = { id: `file-${randomHex(12)}`, filename, purpose, bytes: content.byteLength, createdAt: this.now(), owner };
    this.store.putFile(f, content);
    return f;
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

  createStore(input: Pick<VectorStoreRecord, "name" | "metadata" | "chunking" | "maxAgeMs">): VectorStoreRecord {
    const now = this.now();
    const s: VectorStoreRecord = { id: `vs_${randomHex(12)}`, ...input, createdAt: now, lastActiveAt: now };
    this.store.putStore(s);
    return s;
  }
  vectorStore(id: string): VectorStoreRecord {
    const s = this.store.getStore(id);
    if (!s) throw new KeelError("not_found", `No vector store with id ${id}.`, { param: "vector_store_id" });
    return s;
  }
  vectorStores(q: PageQuery): VectorStoreRecord[] {
    return this.store.listStores(q);
  }
  updateStore(id: string, patch: Partial<Pick<VectorStoreRecord, "name" | "metadata" | "maxAgeMs">>): VectorStoreRecord {
    const s = { ...this.vectorStore(id), ...patch, lastActiveAt: this.now() };
    this.store.putStore(s);
    return s;
  }
  deleteStore(id: string): void {
    if (!this.store.deleteStore(id)) throw new KeelError("not_found", `No vector store with id ${id}.`, { param: "vector_store_id" });
    this.indexes.delete(id);
    this.building.delete(id);
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
    return c;
  }

  private indexOf(storeId: string): StoreIndex | Promise<StoreIndex> {
    const ready = this.building.get(storeId) ?? this.indexes.get(storeId);
    if (ready) return ready;
    // In the map at once, so chunks ingested during the rebuild are added to it too (re-adding a key replaces it).
    const idx = new StoreIndex(this.d.config.index, this.d.embedder.dimensions);
    this.indexes.set(storeId, idx);
    const build = idx.addAllInSlices(this.store.chunksOf(storeId)).then(() => idx).finally(() => this.building.delete(storeId));
    this.building.set(storeId, build);
    return build;
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
      } catch (err) {
        this.d.onError?.("knowledge ingestion", err);
      } finally {
        this.pending--;
      }
    });
  }
}

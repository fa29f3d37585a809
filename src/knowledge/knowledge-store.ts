import type { ChunkRecord, ConflictRecord, ConflictStatus, DocumentRecord, FileRecord, StoreFileRecord, VectorStoreRecord, Viewer } from "./types.js";

/** A page of a newest-first listing: `after` is the last id of the previous page. */
export interface PageQuery {
  limit: number;
  after?: string;
  order?: "asc" | "desc";
}

/** A conflicts page, newest detection first (ties by id); `after` is the last id of the previous page. */
export interface ConflictQuery {
  limit: number;
  after?: string;
  storeId?: string;
  status?: ConflictStatus;
}

/**
 * Where files, vector stores, documents and chunks live (SQLite today: sqlite-knowledge-store.ts).
 * Listings are ordered by creation time, ties by id, in the asked order (newest first by default);
 * a page after an id that no longer exists is empty. Domain code sees only this interface.
 */
export interface KnowledgeStore {
  /** Inserts a file with its bytes; ids are unique (a repeated id throws). */
  putFile(file: FileRecord, content: Uint8Array): void;
  getFile(id: string): FileRecord | undefined;
  fileContent(id: string): Uint8Array | undefined;
  /** With `visibleTo`: only files without an owner, of that key, or of its team (when it has one). */
  listFiles(q: PageQuery & { purpose?: string; visibleTo?: Viewer }): FileRecord[];
  /** True when it existed. The file's attachments and chunks are not touched (OpenAI keeps them too). */
  deleteFile(id: string): boolean;

  /** Inserts or replaces a vector store by id, its share list with it. */
  putStore(store: VectorStoreRecord): void;
  getStore(id: string): VectorStoreRecord | undefined;
  /**
   * With `visibleTo`: only stores without an owner, owned by that key or its team, or shared with
   * the key or its team — filtered in the query, so a page is full when more exist.
   */
  listStores(q: PageQuery & { visibleTo?: Viewer }): VectorStoreRecord[];
  /** Deletes the store and every attachment, document, chunk and conflict in it; true when it existed. */
  deleteStore(id: string): boolean;

  /** Inserts or replaces the attachment (store, file). */
  putAttachment(a: StoreFileRecord): void;
  getAttachment(storeId: string, fileId: string): StoreFileRecord | undefined;
  listAttachments(storeId: string, q: PageQuery & { status?: StoreFileRecord["status"] }): StoreFileRecord[];
  /** Deletes the attachment and the document versions, chunks and conflicts it produced; returns the deleted chunk keys. */
  deleteAttachment(storeId: string, fileId: string): number[];
  /** Counts of the store's attachments by status. */
  attachmentCounts(storeId: string): Record<StoreFileRecord["status"], number>;

  /** The newest version of a source in a store, superseded or not. */
  latestDocument(storeId: string, sourceUri: string): DocumentRecord | undefined;
  getDocument(id: string): DocumentRecord | undefined;
  /** Every document of a store (all versions), oldest first. */
  documentsOf(storeId: string): DocumentRecord[];
  /**
   * Inserts a document version and its chunks in one transaction, marking `supersedes` (if given)
   * superseded at the new version's `validFrom` and resolving its open conflicts (by `keel`, a
   * superseded version never conflicts). Chunks repeating a text hash within the document are
   * stored once. Returns the inserted chunks with their assigned keys, in ordinal order.
   */
  insertDocument(doc: DocumentRecord, chunks: Omit<ChunkRecord, "key">[], supersedes?: string): ChunkRecord[];
  getChunks(keys: readonly number[]): ChunkRecord[];
  /** Every chunk of a store, ascending key: what an index is rebuilt from. */
  chunksOf(storeId: string): ChunkRecord[];
  /** Keys of a store's live (not quarantined) chunks, ascending: what another instance compares its index with. */
  liveChunkKeys(storeId: string): number[];
  /** Quarantined chunks, ascending key, after `afterKey`. */
  quarantined(limit: number, afterKey?: number): ChunkRecord[];
  /** Makes a quarantined chunk live; false when it is absent or not quarantined. */
  release(key: number): boolean;

  /**
   * Records detected conflicts; one already recorded for the same chunks and values (in any
   * status) is kept as it is, so a rescan never reopens a resolved or dismissed one. Returns how
   * many were new.
   */
  putConflicts(cs: readonly ConflictRecord[]): number;
  getConflict(id: string): ConflictRecord | undefined;
  listConflicts(q: ConflictQuery): ConflictRecord[];
  /** Sets the status with who and why; returns the updated record, undefined when absent. */
  setConflictStatus(id: string, status: ConflictStatus, by: string, note: string | null, at: number): ConflictRecord | undefined;
}

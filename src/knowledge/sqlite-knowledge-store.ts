import type { SqliteDb } from "../store/sqlite.js";
import type { ConflictQuery, KnowledgeStore, PageQuery } from "./knowledge-store.js";
import type { ChunkRecord, ConflictRecord, ConflictStatus, DocumentRecord, FileRecord, StoreFileRecord, VectorStoreRecord, Viewer } from "./types.js";
import {
  accessRows, attachmentOf, type AttachmentRow, chunkOf, type ChunkRow, conflictOf, type ConflictRow, conflictValueKey, docOf, type DocRow, fileOf, type FileRow, storeOf, type StoreRow, toBlob, viewerArgs,
} from "./knowledge-rows.js";

// Who may see a row, as both listings write it (args: viewerArgs).
const STORE_VISIBLE = ` AND ((owner_key IS NULL AND NOT EXISTS (SELECT 1 FROM kn_store_access o WHERE o.store_id = kn_stores.id)) OR owner_key = ? OR (owner_team IS NOT NULL AND owner_team = ?)
  OR EXISTS (SELECT 1 FROM kn_store_access a WHERE a.store_id = kn_stores.id AND ((a.kind = 'key' AND a.principal = ?) OR (a.kind = 'team' AND a.principal = ?))))`;
const FILE_VISIBLE = " AND (owner IS NULL OR owner = ? OR (owner_team IS NOT NULL AND owner_team = ?))";

/** The knowledge layer in SQLite (migrations 17 and 19); embeddings as little-endian float32 BLOBs. */
export class SqliteKnowledgeStore implements KnowledgeStore {
  private readonly s;
  private readonly insertDoc: (doc: DocumentRecord, chunks: Omit<ChunkRecord, "key">[], supersedes?: string) => ChunkRecord[];
  private readonly dropStore: (id: string) => boolean;
  private readonly dropAttachment: (storeId: string, fileId: string) => number[];
  private readonly writeStore: (v: VectorStoreRecord) => void;
  private readonly addConflicts: (cs: readonly ConflictRecord[]) => number;

  constructor(private readonly db: SqliteDb) {
    this.s = {
      putFile: db.prepare("INSERT INTO kn_files (id, filename, purpose, bytes, created_at, owner, owner_team, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      getFile: db.prepare("SELECT id, filename, purpose, bytes, created_at, owner, owner_team FROM kn_files WHERE id = ?"),
      content: db.prepare("SELECT content FROM kn_files WHERE id = ?").pluck(),
      deleteFile: db.prepare("DELETE FROM kn_files WHERE id = ?"),
      putStore: db.prepare("INSERT OR REPLACE INTO kn_stores (id, name, metadata, chunking, max_age_ms, created_at, last_active_at, owner_key, owner_team, access) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      clearAccess: db.prepare("DELETE FROM kn_store_access WHERE store_id = ?"),
      addAccess: db.prepare("INSERT OR IGNORE INTO kn_store_access (store_id, kind, principal) VALUES (?, ?, ?)"),
      deleteStoreConflicts: db.prepare("DELETE FROM kn_conflicts WHERE store_id = ?"),
      deleteDocConflicts: db.prepare("DELETE FROM kn_conflicts WHERE left_document_id = ? OR right_document_id = ?"),
      closeDocConflicts: db.prepare("UPDATE kn_conflicts SET status = 'resolved', resolved_by = 'keel', resolved_at = ?, note = ? WHERE status = 'open' AND (left_document_id = ? OR right_document_id = ?)"),
      putConflict: db.prepare(`INSERT OR IGNORE INTO kn_conflicts (id, store_id, status, kind, left_document_id, right_document_id, left_chunk, right_chunk, value_key, left_side, right_side, similarity, overlap, detected_at, resolved_by, resolved_at, note)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getConflict: db.prepare("SELECT * FROM kn_conflicts WHERE id = ?"),
      setConflict: db.prepare("UPDATE kn_conflicts SET status = ?, resolved_by = ?, resolved_at = ?, note = ? WHERE id = ?"),
      getStore: db.prepare("SELECT * FROM kn_stores WHERE id = ?"),
      deleteStore: db.prepare("DELETE FROM kn_stores WHERE id = ?"),
      deleteStoreFiles: db.prepare("DELETE FROM kn_store_files WHERE store_id = ?"),
      deleteStoreDocs: db.prepare("DELETE FROM kn_documents WHERE store_id = ?"),
      deleteStoreChunks: db.prepare("DELETE FROM kn_chunks WHERE store_id = ?"),
      putAttachment: db.prepare("INSERT OR REPLACE INTO kn_store_files (store_id, file_id, status, last_error, attributes, document_id, chunks, quarantined, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      getAttachment: db.prepare("SELECT * FROM kn_store_files WHERE store_id = ? AND file_id = ?"),
      deleteAttachment: db.prepare("DELETE FROM kn_store_files WHERE store_id = ? AND file_id = ?"),
      counts: db.prepare("SELECT status, COUNT(*) AS n FROM kn_store_files WHERE store_id = ? GROUP BY status"),
      docsOfFile: db.prepare("SELECT id FROM kn_documents WHERE store_id = ? AND file_id = ?").pluck(),
      chunkKeysOfDoc: db.prepare("SELECT key FROM kn_chunks WHERE document_id = ?").pluck(),
      deleteDocChunks: db.prepare("DELETE FROM kn_chunks WHERE document_id = ?"),
      deleteDoc: db.prepare("DELETE FROM kn_documents WHERE id = ?"),
      latestDoc: db.prepare("SELECT * FROM kn_documents WHERE store_id = ? AND source_uri = ? ORDER BY version DESC LIMIT 1"),
      getDoc: db.prepare("SELECT * FROM kn_documents WHERE id = ?"),
      docsOf: db.prepare("SELECT * FROM kn_documents WHERE store_id = ? ORDER BY valid_from, version, id"),
      insertDoc: db.prepare("INSERT INTO kn_documents (id, store_id, file_id, source_uri, content_hash, version, valid_from, updated_at, expires_at, owner, licence, superseded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      supersede: db.prepare("UPDATE kn_documents SET superseded_at = ? WHERE id = ? AND superseded_at IS NULL"),
      insertChunk: db.prepare("INSERT OR IGNORE INTO kn_chunks (document_id, store_id, ordinal, text, text_hash, embedding, status, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
      getChunk: db.prepare("SELECT * FROM kn_chunks WHERE key = ?"),
      chunksOf: db.prepare("SELECT * FROM kn_chunks WHERE store_id = ? ORDER BY key"),
      liveKeys: db.prepare("SELECT key FROM kn_chunks WHERE store_id = ? AND status = 'live' ORDER BY key").pluck(),
      quarantined: db.prepare("SELECT * FROM kn_chunks WHERE status = 'quarantined' AND key > ? ORDER BY key LIMIT ?"),
      release: db.prepare("UPDATE kn_chunks SET status = 'live' WHERE key = ? AND status = 'quarantined'"),
    };
    this.insertDoc = db.transaction((doc: DocumentRecord, chunks: Omit<ChunkRecord, "key">[], supersedes?: string) => {
      if (supersedes) {
        this.s.supersede.run(doc.validFrom, supersedes);
        this.s.closeDocConflicts.run(doc.validFrom, `superseded by ${doc.id} (version ${doc.version})`, supersedes, supersedes);
      }
      this.s.insertDoc.run(doc.id, doc.storeId, doc.fileId, doc.sourceUri, doc.contentHash, doc.version, doc.validFrom, doc.updatedAt, doc.expiresAt, doc.owner, doc.licence, doc.supersededAt);
      const out: ChunkRecord[] = [];
      for (const c of chunks) {
        const r = this.s.insertChunk.run(c.documentId, c.storeId, c.ordinal, c.text, c.textHash, toBlob(c.embedding), c.status, c.verdict ? JSON.stringify(c.verdict) : null);
        if (r.changes === 1) out.push({ ...c, key: Number(r.lastInsertRowid) });
      }
      return out;
    });
    this.dropStore = db.transaction((id: string) => {
      this.s.deleteStoreConflicts.run(id);
      this.s.clearAccess.run(id);
      this.s.deleteStoreChunks.run(id);
      this.s.deleteStoreDocs.run(id);
      this.s.deleteStoreFiles.run(id);
      return this.s.deleteStore.run(id).changes === 1;
    });
    this.dropAttachment = db.transaction((storeId: string, fileId: string) => {
      const keys: number[] = [];
      for (const docId of this.s.docsOfFile.all(storeId, fileId) as string[]) {
        keys.push(...(this.s.chunkKeysOfDoc.all(docId) as number[]));
        this.s.deleteDocConflicts.run(docId, docId);
        this.s.deleteDocChunks.run(docId);
        this.s.deleteDoc.run(docId);
      }
      this.s.deleteAttachment.run(storeId, fileId);
      return keys;
    });
    this.writeStore = db.transaction((v: VectorStoreRecord) => {
      this.s.putStore.run(v.id, v.name, JSON.stringify(v.metadata), v.chunking ? JSON.stringify(v.chunking) : null, v.maxAgeMs, v.createdAt, v.lastActiveAt, v.owner?.keyId ?? null, v.owner?.team ?? null, JSON.stringify(v.access));
      this.s.clearAccess.run(v.id);
      for (const [kind, principal] of accessRows(v)) this.s.addAccess.run(v.id, kind, principal);
    });
    this.addConflicts = db.transaction((cs: readonly ConflictRecord[]) => {
      let n = 0;
      for (const c of cs) {
        n += this.s.putConflict.run(c.id, c.storeId, c.status, c.kind, c.left.documentId, c.right.documentId, c.left.chunkKey, c.right.chunkKey, conflictValueKey(c), JSON.stringify(c.left), JSON.stringify(c.right),
          c.similarity, c.overlap, c.detectedAt, c.resolvedBy, c.resolvedAt, c.note).changes;
      }
      return n;
    });
  }

  putFile(f: FileRecord, content: Uint8Array): void {
    this.s.putFile.run(f.id, f.filename, f.purpose, f.bytes, f.createdAt, f.owner, f.ownerTeam, Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  }
  getFile(id: string): FileRecord | undefined {
    const r = this.s.getFile.get(id) as FileRow | undefined;
    return r && fileOf(r);
  }
  fileContent(id: string): Uint8Array | undefined {
    return this.s.content.get(id) as Buffer | undefined;
  }
  listFiles(q: PageQuery & { purpose?: string; visibleTo?: Viewer }): FileRecord[] {
    const where = (q.purpose === undefined ? "" : " AND purpose = ?") + (q.visibleTo ? FILE_VISIBLE : "");
    const args = [...(q.purpose === undefined ? [] : [q.purpose]), ...(q.visibleTo ? [q.visibleTo.keyId, q.visibleTo.team] : [])];
    return (this.page("kn_files", "id", "created_at", "id, filename, purpose, bytes, created_at, owner, owner_team", q, where, args) as FileRow[]).map(fileOf);
  }
  deleteFile(id: string): boolean {
    return this.s.deleteFile.run(id).changes === 1;
  }

  putStore(v: VectorStoreRecord): void {
    this.writeStore(v);
  }
  getStore(id: string): VectorStoreRecord | undefined {
    const r = this.s.getStore.get(id) as StoreRow | undefined;
    return r && storeOf(r);
  }
  listStores(q: PageQuery & { visibleTo?: Viewer }): VectorStoreRecord[] {
    return (this.page("kn_stores", "id", "created_at", "*", q, q.visibleTo ? STORE_VISIBLE : "", q.visibleTo ? viewerArgs(q.visibleTo) : []) as StoreRow[]).map(storeOf);
  }
  deleteStore(id: string): boolean {
    return this.dropStore(id);
  }

  putAttachment(a: StoreFileRecord): void {
    this.s.putAttachment.run(a.storeId, a.fileId, a.status, a.lastError ? JSON.stringify(a.lastError) : null, JSON.stringify(a.attributes), a.documentId, a.chunks, a.quarantined, a.createdAt);
  }
  getAttachment(storeId: string, fileId: string): StoreFileRecord | undefined {
    const r = this.s.getAttachment.get(storeId, fileId) as AttachmentRow | undefined;
    return r && attachmentOf(r);
  }
  listAttachments(storeId: string, q: PageQuery & { status?: StoreFileRecord["status"] }): StoreFileRecord[] {
    const extra = ` AND store_id = ?${q.status ? " AND status = ?" : ""}`;
    const args: unknown[] = q.status ? [storeId, q.status] : [storeId];
    return (this.page("kn_store_files", "file_id", "created_at", "*", q, extra, args, storeId) as AttachmentRow[]).map(attachmentOf);
  }
  deleteAttachment(storeId: string, fileId: string): number[] {
    return this.dropAttachment(storeId, fileId);
  }
  attachmentCounts(storeId: string): Record<StoreFileRecord["status"], number> {
    const out = { in_progress: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const r of this.s.counts.all(storeId) as { status: keyof typeof out; n: number }[]) out[r.status] = r.n;
    return out;
  }

  latestDocument(storeId: string, sourceUri: string): DocumentRecord | undefined {
    const r = this.s.latestDoc.get(storeId, sourceUri) as DocRow | undefined;
    return r && docOf(r);
  }
  getDocument(id: string): DocumentRecord | undefined {
    const r = this.s.getDoc.get(id) as DocRow | undefined;
    return r && docOf(r);
  }
  documentsOf(storeId: string): DocumentRecord[] {
    return (this.s.docsOf.all(storeId) as DocRow[]).map(docOf);
  }
  insertDocument(doc: DocumentRecord, chunks: Omit<ChunkRecord, "key">[], supersedes?: string): ChunkRecord[] {
    return this.insertDoc(doc, chunks, supersedes);
  }
  getChunks(keys: readonly number[]): ChunkRecord[] {
    const out: ChunkRecord[] = [];
    for (const k of keys) {
      const r = this.s.getChunk.get(k) as ChunkRow | undefined;
      if (r) out.push(chunkOf(r));
    }
    return out;
  }
  chunksOf(storeId: string): ChunkRecord[] {
    return (this.s.chunksOf.all(storeId) as ChunkRow[]).map(chunkOf);
  }
  liveChunkKeys(storeId: string): number[] {
    return this.s.liveKeys.all(storeId) as number[];
  }
  quarantined(limit: number, afterKey = 0): ChunkRecord[] {
    return (this.s.quarantined.all(afterKey, limit) as ChunkRow[]).map(chunkOf);
  }
  release(key: number): boolean {
    return this.s.release.run(key).changes === 1;
  }

  putConflicts(cs: readonly ConflictRecord[]): number {
    return cs.length === 0 ? 0 : this.addConflicts(cs);
  }
  getConflict(id: string): ConflictRecord | undefined {
    const r = this.s.getConflict.get(id) as ConflictRow | undefined;
    return r && conflictOf(r);
  }
  listConflicts(q: ConflictQuery): ConflictRecord[] {
    const where = (q.storeId === undefined ? "" : " AND store_id = ?") + (q.status === undefined ? "" : " AND status = ?");
    const args = [...(q.storeId === undefined ? [] : [q.storeId]), ...(q.status === undefined ? [] : [q.status])];
    return (this.page("kn_conflicts", "id", "detected_at", "*", { limit: q.limit, after: q.after }, where, args) as ConflictRow[]).map(conflictOf);
  }
  setConflictStatus(id: string, status: ConflictStatus, by: string, note: string | null, at: number): ConflictRecord | undefined {
    if (this.s.setConflict.run(status, by, at, note, id).changes !== 1) return undefined;
    return this.getConflict(id);
  }

  /** A keyset page on (created_at, id): the cursor row's position, so a page loses nothing between calls. */
  private page(table: string, idCol: string, timeCol: string, cols: string, q: PageQuery, where: string, args: unknown[], storeId?: string): unknown[] {
    const desc = (q.order ?? "desc") === "desc";
    const cmp = desc ? "<" : ">";
    const dir = desc ? "DESC" : "ASC";
    let cursor = "";
    const cursorArgs: unknown[] = [];
    if (q.after !== undefined) {
      const scope = storeId === undefined ? "" : " AND store_id = ?";
      cursor = ` AND (${timeCol}, ${idCol}) ${cmp} (SELECT ${timeCol}, ${idCol} FROM ${table} WHERE ${idCol} = ?${scope})`;
      cursorArgs.push(q.after, ...(storeId === undefined ? [] : [storeId]));
    }
    // The statement's text varies only with the query's shape; better-sqlite3 caches nothing itself, so build per call (listings are admin-rate).
    const sql = `SELECT ${cols} FROM ${table} WHERE 1 = 1${where}${cursor} ORDER BY ${timeCol} ${dir}, ${idCol} ${dir} LIMIT ?`;
    return this.db.prepare(sql).all(...args, ...cursorArgs, q.limit);
  }
}

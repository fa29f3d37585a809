import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { ConflictQuery, KnowledgeStore, PageQuery } from "./knowledge-store.js";
import type { ChunkRecord, ConflictRecord, ConflictStatus, DocumentRecord, FileRecord, StoreFileRecord, VectorStoreRecord, Viewer } from "./types.js";
import {
  accessRows, attachmentOf, type AttachmentRow, chunkOf, type ChunkRow, conflictOf, type ConflictRow, conflictValueKey, docOf, type DocRow, fileOf, type FileRow, storeOf, type StoreRow, toBlob, viewerArgs,
} from "./knowledge-rows.js";

// Who may see a row (`?` numbered by page(); args: viewerArgs), as the SQLite store writes it.
const STORE_VISIBLE = `((owner_key IS NULL AND NOT EXISTS (SELECT 1 FROM kn_store_access o WHERE o.store_id = kn_stores.id)) OR owner_key = ? OR (owner_team IS NOT NULL AND owner_team = ?)
  OR EXISTS (SELECT 1 FROM kn_store_access a WHERE a.store_id = kn_stores.id AND ((a.kind = 'key' AND a.principal = ?) OR (a.kind = 'team' AND a.principal = ?))))`;
const FILE_VISIBLE = "(owner IS NULL OR owner = ? OR (owner_team IS NOT NULL AND owner_team = ?))";
type Clause = { sql: string; args: unknown[] };

/**
 * The knowledge layer on PostgreSQL; embeddings as little-endian float32 BYTEA, as SQLite's BLOBs.
 * Batches are one statement each: chunks go in through `unnest` (embeddings as base64 text, since the
 * driver sends no bytea arrays), and `getChunks` reads `= ANY($1)`.
 */
export class PgKnowledgeStore implements KnowledgeStore {
  constructor(private readonly db: PgSql) {}

  putFile(f: FileRecord, content: Uint8Array): void {
    this.db.run(
      "INSERT INTO kn_files (id, filename, purpose, bytes, created_at, owner, owner_team, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      [f.id, f.filename, f.purpose, f.bytes, f.createdAt, f.owner, f.ownerTeam, Buffer.from(content.buffer, content.byteOffset, content.byteLength)],
    );
  }
  getFile(id: string): FileRecord | undefined {
    const r = this.db.get<FileRow>("SELECT id, filename, purpose, bytes, created_at, owner, owner_team FROM kn_files WHERE id = $1", [id]);
    return r && fileOf(r);
  }
  fileContent(id: string): Uint8Array | undefined {
    return this.db.get<{ content: Uint8Array }>("SELECT content FROM kn_files WHERE id = $1", [id])?.content;
  }
  listFiles(q: PageQuery & { purpose?: string; visibleTo?: Viewer }): FileRecord[] {
    const filter: [string, unknown][] = q.purpose === undefined ? [] : [["purpose", q.purpose]];
    const raw = q.visibleTo ? { sql: FILE_VISIBLE, args: [q.visibleTo.keyId, q.visibleTo.team] } : undefined;
    return this.page<FileRow>("kn_files", "id", "id, filename, purpose, bytes, created_at, owner, owner_team", q, filter, undefined, raw).map(fileOf);
  }
  deleteFile(id: string): boolean {
    return this.db.run("DELETE FROM kn_files WHERE id = $1", [id]) === 1;
  }

  putStore(v: VectorStoreRecord): void {
    const share = accessRows(v);
    this.db.transaction((tx) => {
      tx.run(
        `INSERT INTO kn_stores (id, name, metadata, chunking, max_age_ms, created_at, last_active_at, owner_key, owner_team, access) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, metadata = excluded.metadata, chunking = excluded.chunking, max_age_ms = excluded.max_age_ms,
           created_at = excluded.created_at, last_active_at = excluded.last_active_at, owner_key = excluded.owner_key, owner_team = excluded.owner_team, access = excluded.access`,
        [v.id, v.name, JSON.stringify(v.metadata), v.chunking ? JSON.stringify(v.chunking) : null, v.maxAgeMs, v.createdAt, v.lastActiveAt, v.owner?.keyId ?? null, v.owner?.team ?? null, JSON.stringify(v.access)],
      );
      tx.run("DELETE FROM kn_store_access WHERE store_id = $1", [v.id]);
      if (share.length > 0) {
        tx.run("INSERT INTO kn_store_access (store_id, kind, principal) SELECT $1, u.kind, u.principal FROM unnest($2::text[], $3::text[]) AS u (kind, principal) ON CONFLICT DO NOTHING", [v.id, share.map((r) => r[0]), share.map((r) => r[1])]);
      }
    });
  }
  getStore(id: string): VectorStoreRecord | undefined {
    const r = this.db.get<StoreRow>("SELECT * FROM kn_stores WHERE id = $1", [id]);
    return r && storeOf(r);
  }
  listStores(q: PageQuery & { visibleTo?: Viewer }): VectorStoreRecord[] {
    return this.page<StoreRow>("kn_stores", "id", "*", q, [], undefined, q.visibleTo ? { sql: STORE_VISIBLE, args: viewerArgs(q.visibleTo) } : undefined).map(storeOf);
  }
  deleteStore(id: string): boolean {
    return this.db.transaction((tx) => {
      tx.run("DELETE FROM kn_conflicts WHERE store_id = $1", [id]);
      tx.run("DELETE FROM kn_store_access WHERE store_id = $1", [id]);
      tx.run("DELETE FROM kn_chunks WHERE store_id = $1", [id]);
      tx.run("DELETE FROM kn_documents WHERE store_id = $1", [id]);
      tx.run("DELETE FROM kn_store_files WHERE store_id = $1", [id]);
      return tx.run("DELETE FROM kn_stores WHERE id = $1", [id]) === 1;
    });
  }

  putAttachment(a: StoreFileRecord): void {
    this.db.run(
      `INSERT INTO kn_store_files (store_id, file_id, status, last_error, attributes, document_id, chunks, quarantined, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (store_id, file_id) DO UPDATE SET status = excluded.status, last_error = excluded.last_error, attributes = excluded.attributes,
         document_id = excluded.document_id, chunks = excluded.chunks, quarantined = excluded.quarantined, created_at = excluded.created_at`,
      [a.storeId, a.fileId, a.status, a.lastError ? JSON.stringify(a.lastError) : null, JSON.stringify(a.attributes), a.documentId, a.chunks, a.quarantined, a.createdAt],
    );
  }
  getAttachment(storeId: string, fileId: string): StoreFileRecord | undefined {
    const r = this.db.get<AttachmentRow>("SELECT * FROM kn_store_files WHERE store_id = $1 AND file_id = $2", [storeId, fileId]);
    return r && attachmentOf(r);
  }
  listAttachments(storeId: string, q: PageQuery & { status?: StoreFileRecord["status"] }): StoreFileRecord[] {
    const filter: [string, unknown][] = [["store_id", storeId]];
    if (q.status) filter.push(["status", q.status]);
    return this.page<AttachmentRow>("kn_store_files", "file_id", "*", q, filter, storeId).map(attachmentOf);
  }
  deleteAttachment(storeId: string, fileId: string): number[] {
    return this.db.transaction((tx) => {
      const keys = tx
        .all<{ key: number }>("DELETE FROM kn_chunks WHERE document_id IN (SELECT id FROM kn_documents WHERE store_id = $1 AND file_id = $2) RETURNING key", [storeId, fileId])
        .map((r) => r.key);
      tx.run(
        `DELETE FROM kn_conflicts WHERE left_document_id IN (SELECT id FROM kn_documents WHERE store_id = $1 AND file_id = $2)
           OR right_document_id IN (SELECT id FROM kn_documents WHERE store_id = $1 AND file_id = $2)`,
        [storeId, fileId],
      );
      tx.run("DELETE FROM kn_documents WHERE store_id = $1 AND file_id = $2", [storeId, fileId]);
      tx.run("DELETE FROM kn_store_files WHERE store_id = $1 AND file_id = $2", [storeId, fileId]);
      return keys;
    });
  }
  attachmentCounts(storeId: string): Record<StoreFileRecord["status"], number> {
    const out = { in_progress: 0, completed: 0, failed: 0, cancelled: 0 };
    for (const r of this.db.all<{ status: keyof typeof out; n: number }>("SELECT status, COUNT(*) AS n FROM kn_store_files WHERE store_id = $1 GROUP BY status", [storeId])) {
      out[r.status] = Number(r.n);
    }
    return out;
  }

  latestDocument(storeId: string, sourceUri: string): DocumentRecord | undefined {
    const r = this.db.get<DocRow>("SELECT * FROM kn_documents WHERE store_id = $1 AND source_uri = $2 ORDER BY version DESC LIMIT 1", [storeId, sourceUri]);
    return r && docOf(r);
  }
  getDocument(id: string): DocumentRecord | undefined {
    const r = this.db.get<DocRow>("SELECT * FROM kn_documents WHERE id = $1", [id]);
    return r && docOf(r);
  }
  documentsOf(storeId: string): DocumentRecord[] {
    return this.db.all<DocRow>("SELECT * FROM kn_documents WHERE store_id = $1 ORDER BY valid_from, version, id", [storeId]).map(docOf);
  }
  insertDocument(doc: DocumentRecord, chunks: Omit<ChunkRecord, "key">[], supersedes?: string): ChunkRecord[] {
    // The first chunk of each text hash is the one stored (SQLite's INSERT OR IGNORE in order); the
    // keys come back by hash, unique within the document.
    const seen = new Set<string>();
    const fresh = chunks.filter((c) => !seen.has(c.textHash) && (seen.add(c.textHash), true));
    return this.db.transaction((tx) => {
      if (supersedes) {
        tx.run("UPDATE kn_documents SET superseded_at = $1 WHERE id = $2 AND superseded_at IS NULL", [doc.validFrom, supersedes]);
        tx.run("UPDATE kn_conflicts SET status = 'resolved', resolved_by = 'keel', resolved_at = $1, note = $2 WHERE status = 'open' AND (left_document_id = $3 OR right_document_id = $3)", [doc.validFrom, `superseded by ${doc.id} (version ${doc.version})`, supersedes]);
      }
      tx.run(
        `INSERT INTO kn_documents (id, store_id, file_id, source_uri, content_hash, version, valid_from, updated_at, expires_at, owner, licence, superseded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [doc.id, doc.storeId, doc.fileId, doc.sourceUri, doc.contentHash, doc.version, doc.validFrom, doc.updatedAt, doc.expiresAt, doc.owner, doc.licence, doc.supersededAt],
      );
      if (fresh.length === 0) return [];
      const rows = tx.all<{ key: number; text_hash: string }>(
        `INSERT INTO kn_chunks (document_id, store_id, ordinal, text, text_hash, embedding, status, verdict)
         SELECT u.document_id, u.store_id, u.ordinal, u.text, u.text_hash, decode(u.embedding, 'base64'), u.status, u.verdict
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY
           AS u (document_id, store_id, ordinal, text, text_hash, embedding, status, verdict, n)
         ORDER BY u.n
         ON CONFLICT (document_id, text_hash) DO NOTHING
         RETURNING key, text_hash`,
        [
          fresh.map((c) => c.documentId), fresh.map((c) => c.storeId), fresh.map((c) => c.ordinal), fresh.map((c) => c.text), fresh.map((c) => c.textHash),
          fresh.map((c) => toBlob(c.embedding).toString("base64")), fresh.map((c) => c.status), fresh.map((c) => (c.verdict ? JSON.stringify(c.verdict) : null)),
        ],
      );
      const keyOf = new Map(rows.map((r) => [r.text_hash, r.key]));
      return fresh.flatMap((c) => {
        const key = keyOf.get(c.textHash);
        return key === undefined ? [] : [{ ...c, key }];
      });
    });
  }
  /** In the order asked (a missing key is skipped), as SQLite's one lookup per key returns them. */
  getChunks(keys: readonly number[]): ChunkRecord[] {
    if (keys.length === 0) return [];
    const byKey = new Map(this.db.all<ChunkRow>("SELECT * FROM kn_chunks WHERE key = ANY($1::bigint[])", [[...keys]]).map((r) => [r.key, r]));
    return keys.flatMap((k) => {
      const r = byKey.get(k);
      return r ? [chunkOf(r)] : [];
    });
  }
  chunksOf(storeId: string): ChunkRecord[] {
    return this.db.all<ChunkRow>("SELECT * FROM kn_chunks WHERE store_id = $1 ORDER BY key", [storeId]).map(chunkOf);
  }
  liveChunkKeys(storeId: string): number[] {
    return this.db.all<{ key: number }>("SELECT key FROM kn_chunks WHERE store_id = $1 AND status = 'live' ORDER BY key", [storeId]).map((r) => r.key);
  }
  quarantined(limit: number, afterKey = 0): ChunkRecord[] {
    return this.db.all<ChunkRow>("SELECT * FROM kn_chunks WHERE status = 'quarantined' AND key > $1 ORDER BY key LIMIT $2", [afterKey, limit]).map(chunkOf);
  }
  release(key: number): boolean {
    return this.db.run("UPDATE kn_chunks SET status = 'live' WHERE key = $1 AND status = 'quarantined'", [key]) === 1;
  }

  putConflicts(cs: readonly ConflictRecord[]): number {
    if (cs.length === 0) return 0;
    const col = <T>(f: (c: ConflictRecord) => T): T[] => cs.map(f);
    return this.db.run(
      `INSERT INTO kn_conflicts (id, store_id, status, kind, left_document_id, right_document_id, left_chunk, right_chunk, value_key, left_side, right_side, similarity, overlap, detected_at, resolved_by, resolved_at, note)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::text[], $10::text[], $11::text[], $12::float8[], $13::float8[], $14::bigint[], $15::text[], $16::bigint[], $17::text[])
       ON CONFLICT DO NOTHING`,
      [
        col((c) => c.id), col((c) => c.storeId), col((c) => c.status), col((c) => c.kind), col((c) => c.left.documentId), col((c) => c.right.documentId), col((c) => c.left.chunkKey), col((c) => c.right.chunkKey),
        col(conflictValueKey), col((c) => JSON.stringify(c.left)), col((c) => JSON.stringify(c.right)), col((c) => c.similarity), col((c) => c.overlap), col((c) => c.detectedAt), col((c) => c.resolvedBy), col((c) => c.resolvedAt), col((c) => c.note),
      ],
    );
  }
  getConflict(id: string): ConflictRecord | undefined {
    const r = this.db.get<ConflictRow>("SELECT * FROM kn_conflicts WHERE id = $1", [id]);
    return r && conflictOf(r);
  }
  listConflicts(q: ConflictQuery): ConflictRecord[] {
    const filter: [string, unknown][] = [];
    if (q.storeId !== undefined) filter.push(["store_id", q.storeId]);
    if (q.status !== undefined) filter.push(["status", q.status]);
    return this.page<ConflictRow>("kn_conflicts", "id", "*", { limit: q.limit, after: q.after }, filter, undefined, undefined, "detected_at").map(conflictOf);
  }
  setConflictStatus(id: string, status: ConflictStatus, by: string, note: string | null, at: number): ConflictRecord | undefined {
    const r = this.db.get<ConflictRow>("UPDATE kn_conflicts SET status = $1, resolved_by = $2, resolved_at = $3, note = $4 WHERE id = $5 RETURNING *", [status, by, at, note, id]);
    return r && conflictOf(r);
  }

  /**
   * A keyset page on (created_at, id): the cursor row's position, so a page loses nothing between
   * calls; a cursor id that no longer exists compares as NULL, so the page is empty. `raw` is one more
   * condition written with `?` placeholders, numbered here.
   */
  private page<T>(table: string, idCol: string, cols: string, q: PageQuery, filter: [string, unknown][], storeId?: string, raw?: Clause, timeCol = "created_at"): T[] {
    const desc = (q.order ?? "desc") === "desc";
    const args: unknown[] = [];
    const where = filter.map(([col, v]) => (args.push(v), `${col} = $${args.length}`));
    if (raw) {
      let i = 0;
      where.push(raw.sql.replace(/\?/g, () => (args.push(raw.args[i++]), `$${args.length}`)));
    }
    if (q.after !== undefined) {
      args.push(q.after);
      let scope = "";
      if (storeId !== undefined) { args.push(storeId); scope = ` AND store_id = $${args.length}`; }
      const at = args.length - (storeId === undefined ? 0 : 1);
      where.push(`(${timeCol}, ${idCol}) ${desc ? "<" : ">"} (SELECT ${timeCol}, ${idCol} FROM ${table} WHERE ${idCol} = $${at}${scope})`);
    }
    args.push(q.limit);
    const dir = desc ? "DESC" : "ASC";
    const sql = `SELECT ${cols} FROM ${table}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${timeCol} ${dir}, ${idCol} ${dir} LIMIT $${args.length}`;
    return this.db.all<T>(sql, args);
  }
}

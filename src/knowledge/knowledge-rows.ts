import type { ChunkRecord, ConflictRecord, DocumentRecord, FileRecord, StoreFileRecord, VectorStoreRecord, Viewer } from "./types.js";

// The knowledge tables' rows as both backends read them, their mappers, and the embedding bytes.

export function toBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
export function fromBlob(b: Uint8Array): Float32Array {
  // Copy: the bytes' (a BLOB's or a BYTEA's) buffer may be unaligned for a Float32Array view.
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export interface FileRow { id: string; filename: string; purpose: string; bytes: number; created_at: number; owner: string | null; owner_team: string | null }
export interface StoreRow { id: string; name: string; metadata: string; chunking: string | null; max_age_ms: number | null; created_at: number; last_active_at: number; owner_key: string | null; owner_team: string | null; access: string }
export interface AttachmentRow { store_id: string; file_id: string; status: StoreFileRecord["status"]; last_error: string | null; attributes: string; document_id: string | null; chunks: number; quarantined: number; created_at: number }
export interface DocRow { id: string; store_id: string; file_id: string; source_uri: string; content_hash: string; version: number; valid_from: number; updated_at: number; expires_at: number | null; owner: string | null; licence: string | null; superseded_at: number | null }
export interface ChunkRow { key: number; document_id: string; store_id: string; ordinal: number; text: string; text_hash: string; embedding: Uint8Array; status: ChunkRecord["status"]; verdict: string | null }

export const fileOf = (r: FileRow): FileRecord => ({ id: r.id, filename: r.filename, purpose: r.purpose, bytes: r.bytes, createdAt: r.created_at, owner: r.owner, ownerTeam: r.owner_team });
export const storeOf = (r: StoreRow): VectorStoreRecord => ({ id: r.id, name: r.name, metadata: JSON.parse(r.metadata), chunking: r.chunking ? JSON.parse(r.chunking) : null, maxAgeMs: r.max_age_ms, createdAt: r.created_at, lastActiveAt: r.last_active_at,
  owner: r.owner_key === null ? null : { keyId: r.owner_key, team: r.owner_team }, access: JSON.parse(r.access) });
export const attachmentOf = (r: AttachmentRow): StoreFileRecord => ({ storeId: r.store_id, fileId: r.file_id, status: r.status, lastError: r.last_error ? JSON.parse(r.last_error) : null, attributes: JSON.parse(r.attributes), documentId: r.document_id, chunks: r.chunks, quarantined: r.quarantined, createdAt: r.created_at });
export const docOf = (r: DocRow): DocumentRecord => ({ id: r.id, storeId: r.store_id, fileId: r.file_id, sourceUri: r.source_uri, contentHash: r.content_hash, version: r.version, validFrom: r.valid_from, updatedAt: r.updated_at, expiresAt: r.expires_at, owner: r.owner, licence: r.licence, supersededAt: r.superseded_at });
export const chunkOf = (r: ChunkRow): ChunkRecord => ({ key: r.key, documentId: r.document_id, storeId: r.store_id, ordinal: r.ordinal, text: r.text, textHash: r.text_hash, embedding: fromBlob(r.embedding), status: r.status, verdict: r.verdict ? JSON.parse(r.verdict) : null });

export interface ConflictRow {
  id: string; store_id: string; status: ConflictRecord["status"]; kind: ConflictRecord["kind"]; left_side: string; right_side: string;
  similarity: number; overlap: number; detected_at: number; resolved_by: string | null; resolved_at: number | null; note: string | null;
}
export const conflictOf = (r: ConflictRow): ConflictRecord => ({
  id: r.id, storeId: r.store_id, status: r.status, kind: r.kind, left: JSON.parse(r.left_side), right: JSON.parse(r.right_side), similarity: Number(r.similarity), overlap: Number(r.overlap),
  detectedAt: Number(r.detected_at), resolvedBy: r.resolved_by, resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at), note: r.note,
});
/** What makes two detections of one pair the same conflict: the chunks and the two values. */
export const conflictValueKey = (c: ConflictRecord): string => JSON.stringify([c.kind, c.left.value, c.right.value]);
/** The share list as rows of kn_store_access. */
export const accessRows = (v: VectorStoreRecord): [string, string][] => [...v.access.keys.map((k): [string, string] => ["key", k]), ...v.access.teams.map((t): [string, string] => ["team", t])];
/** Arguments of the visibility clause both backends write: key, team, key, team. */
export const viewerArgs = (v: Viewer): unknown[] => [v.keyId, v.team, v.keyId, v.team];

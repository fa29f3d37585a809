import type { SearchResult } from "./search.js";
import type { FileRecord, StoreFileRecord, VectorStoreRecord } from "./types.js";

/** OpenAI's wire objects (seconds since the epoch, snake_case) from the knowledge records. */
const s = (ms: number): number => Math.floor(ms / 1000);

export function fileObject(f: FileRecord): Record<string, unknown> {
  return { id: f.id, object: "file", bytes: f.bytes, created_at: s(f.createdAt), filename: f.filename, purpose: f.purpose, status: "processed", expires_at: null, status_details: null };
}

export function vectorStoreObject(v: VectorStoreRecord, counts: Record<StoreFileRecord["status"], number>): Record<string, unknown> {
  const total = counts.in_progress + counts.completed + counts.failed + counts.cancelled;
  return {
    id: v.id,
    object: "vector_store",
    created_at: s(v.createdAt),
    name: v.name,
    usage_bytes: 0,
    file_counts: { ...counts, total },
    status: counts.in_progress > 0 ? "in_progress" : "completed",
    expires_after: null,
    expires_at: null,
    last_active_at: s(v.lastActiveAt),
    metadata: v.metadata,
    // Keel's own: the chunking in force (characters) and the store's max age.
    keel_chunking: v.chunking,
    keel_max_age_s: v.maxAgeMs === null ? null : v.maxAgeMs / 1000,
    // Who owns it and whom it is shared with (docs/knowledge.md#access); owner null: open to every key.
    keel_owner: v.owner === null ? null : { key_id: v.owner.keyId, team: v.owner.team },
    keel_access: v.access,
  };
}

export function storeFileObject(a: StoreFileRecord, chunking: { size: number; overlap: number }): Record<string, unknown> {
  return {
    id: a.fileId,
    object: "vector_store.file",
    usage_bytes: 0,
    created_at: s(a.createdAt),
    vector_store_id: a.storeId,
    status: a.status,
    last_error: a.lastError,
    attributes: a.attributes,
    chunking_strategy: { type: "static", static: { max_chunk_size_tokens: Math.round(chunking.size / 4), chunk_overlap_tokens: Math.round(chunking.overlap / 4) } },
    keel_chunks: a.chunks,
    keel_quarantined: a.quarantined,
    keel_document_id: a.documentId,
  };
}

export function searchResultObject(r: SearchResult, filename: string): Record<string, unknown> {
  return {
    file_id: r.document.fileId,
    filename,
    score: r.score,
    attributes: r.attributes,
    content: [{ type: "text", text: r.chunk.text }],
    // Keel's own: freshness and provenance of what was retrieved.
    stale: r.freshness.stale,
    stale_reason: r.freshness.reason,
    age_s: r.freshness.ageS,
    chunk_id: r.chunk.key,
    fused_score: r.fused,
    document: {
      id: r.document.id,
      source_uri: r.document.sourceUri,
      version: r.document.version,
      content_hash: r.document.contentHash,
      valid_from: s(r.document.validFrom),
      updated_at: s(r.document.updatedAt),
      expires_at: r.document.expiresAt === null ? null : s(r.document.expiresAt),
      owner: r.document.owner,
      licence: r.document.licence,
      superseded_at: r.document.supersededAt === null ? null : s(r.document.supersededAt),
    },
  };
}

export function listObject<T>(data: T[], idOf: (t: T) => string, hasMore: boolean): Record<string, unknown> {
  return { object: "list", data, first_id: data.length ? idOf(data[0]) : null, last_id: data.length ? idOf(data[data.length - 1]) : null, has_more: hasMore };
}

/**
 * The knowledge layer's records: uploaded files, vector stores, documents (one version of one
 * source in one store) and their chunks. Times are epoch milliseconds.
 */

export type Attributes = Record<string, string | number | boolean>;

export interface FileRecord {
  id: string;
  filename: string;
  purpose: string;
  bytes: number;
  createdAt: number;
  /** Key id of the uploader. */
  owner: string | null;
  /** The uploader's team when it had one: the file's tenant (docs/knowledge.md#access). */
  ownerTeam: string | null;
}

/** Who created a store: the tenant that may read and change it (docs/knowledge.md#access). */
export interface StoreOwner {
  keyId: string;
  team: string | null;
}

/** Keys and teams a store is shared with besides its tenant: they may read and search it. */
export interface StoreAccess {
  keys: string[];
  teams: string[];
}

export interface VectorStoreRecord {
  id: string;
  name: string;
  metadata: Record<string, string>;
  /** Per-store chunking override (characters); null: the configured default. */
  chunking: { size: number; overlap: number } | null;
  /** Documents older than this (since updated_at) are served with `stale: true`; null: never stale by age. */
  maxAgeMs: number | null;
  createdAt: number;
  lastActiveAt: number;
  /** null: created before stores were scoped (or by the admin token); open to every key. */
  owner: StoreOwner | null;
  access: StoreAccess;
}

export type IngestStatus = "in_progress" | "completed" | "failed" | "cancelled";

/** A file attached to a store: OpenAI's vector_store.file. */
export interface StoreFileRecord {
  storeId: string;
  fileId: string;
  status: IngestStatus;
  lastError: { code: string; message: string } | null;
  attributes: Attributes;
  /** The document version this attachment produced (null until ingested). */
  documentId: string | null;
  chunks: number;
  quarantined: number;
  createdAt: number;
}

export interface DocumentRecord {
  id: string;
  storeId: string;
  fileId: string;
  sourceUri: string;
  /** sha256 of the extracted text: a re-upload with the same hash is the same version. */
  contentHash: string;
  version: number;
  validFrom: number;
  updatedAt: number;
  expiresAt: number | null;
  owner: string | null;
  licence: string | null;
  /** When a newer version of the same source replaced it; superseded chunks are not served unless asked. */
  supersededAt: number | null;
}

export type ChunkStatus = "live" | "quarantined";

export interface ChunkRecord {
  /** Integer id assigned by the store on insert; the vector and keyword indexes' key. */
  key: number;
  documentId: string;
  storeId: string;
  ordinal: number;
  text: string;
  /** sha256 of the text: identical chunks in one document version are stored once. */
  textHash: string;
  embedding: Float32Array;
  status: ChunkStatus;
  /** The screening verdict that quarantined it (scanner names and scores), null when live. */
  verdict: { scanner: string; score: number; types: string[] }[] | null;
}

export type ConflictStatus = "open" | "resolved" | "dismissed";
export type ConflictKind = "number" | "date" | "time" | "amount" | "percent" | "version";

/** One side of a conflict: the passage (sentence) of a live chunk and the value it states. */
export interface ConflictSide {
  documentId: string;
  fileId: string;
  version: number;
  chunkKey: number;
  /** The sentence the value is in. */
  text: string;
  /** The value as written. */
  value: string;
}

/**
 * Two live documents of one store stating different values in matching context
 * (conflicts/detect.ts). `left` is the side with the smaller chunk key.
 */
export interface ConflictRecord {
  id: string;
  storeId: string;
  status: ConflictStatus;
  kind: ConflictKind;
  left: ConflictSide;
  right: ConflictSide;
  /** Cosine similarity of the two chunks' embeddings. */
  similarity: number;
  /** Jaccard overlap of the two sentences' words, values masked. */
  overlap: number;
  detectedAt: number;
  resolvedBy: string | null;
  resolvedAt: number | null;
  note: string | null;
}

/** Whom a listing is for: a key id and its team; null lists everything (the admin token). */
export interface Viewer {
  keyId: string;
  team: string | null;
}

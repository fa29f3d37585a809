import type { Migration } from "../store/migrate.js";

/**
 * The knowledge layer: uploaded files (bytes kept until deleted), vector stores, attachments of
 * files to stores (OpenAI's vector_store.file), document versions and their chunks with embeddings
 * (little-endian float32 BLOBs, so any instance can rebuild its index). Append only: a change is a
 * new entry with the next free global version (`store/migrate.ts`).
 */
export const KNOWLEDGE_MIGRATIONS: readonly Migration[] = [
  {
    version: 17,
    name: "knowledge: files, vector stores, attachments, document versions, chunks with embeddings",
    sql: `
      CREATE TABLE kn_files (
        id TEXT PRIMARY KEY,
        filename TEXT NOT NULL,
        purpose TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        owner TEXT,
        content BLOB NOT NULL
      );
      CREATE INDEX kn_files_created ON kn_files (created_at DESC, id DESC);
      CREATE TABLE kn_stores (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        metadata TEXT NOT NULL,
        chunking TEXT,
        max_age_ms INTEGER,
        created_at INTEGER NOT NULL,
        last_active_at INTEGER NOT NULL
      );
      CREATE INDEX kn_stores_created ON kn_stores (created_at DESC, id DESC);
      CREATE TABLE kn_store_files (
        store_id TEXT NOT NULL,
        file_id TEXT NOT NULL,
        status TEXT NOT NULL,
        last_error TEXT,
        attributes TEXT NOT NULL,
        document_id TEXT,
        chunks INTEGER NOT NULL DEFAULT 0,
        quarantined INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (store_id, file_id)
      );
      CREATE INDEX kn_store_files_created ON kn_store_files (store_id, created_at DESC, file_id DESC);
      CREATE TABLE kn_documents (
        id TEXT PRIMARY KEY,
        store_id TEXT NOT NULL,
        file_id TEXT NOT NULL,
        source_uri TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        version INTEGER NOT NULL,
        valid_from INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        expires_at INTEGER,
        owner TEXT,
        licence TEXT,
        superseded_at INTEGER,
        UNIQUE (store_id, source_uri, version)
      );
      CREATE TABLE kn_chunks (
        key INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL,
        store_id TEXT NOT NULL,
        ordinal INTEGER NOT NULL,
        text TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        embedding BLOB NOT NULL,
        status TEXT NOT NULL,
        verdict TEXT,
        UNIQUE (document_id, text_hash)
      );
      CREATE INDEX kn_chunks_store ON kn_chunks (store_id, key);
      CREATE INDEX kn_chunks_status ON kn_chunks (status, key);
    `,
  },
  {
    version: 19,
    name: "knowledge: store owners and share lists, file tenants, conflicts between documents",
    sql: `
      ALTER TABLE kn_files ADD COLUMN owner_team TEXT;
      ALTER TABLE kn_stores ADD COLUMN owner_key TEXT;
      ALTER TABLE kn_stores ADD COLUMN owner_team TEXT;
      ALTER TABLE kn_stores ADD COLUMN access TEXT NOT NULL DEFAULT '{"keys":[],"teams":[]}';
      CREATE TABLE kn_store_access (
        store_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        principal TEXT NOT NULL,
        PRIMARY KEY (store_id, kind, principal)
      );
      CREATE TABLE kn_conflicts (
        id TEXT PRIMARY KEY,
        store_id TEXT NOT NULL,
        status TEXT NOT NULL,
        kind TEXT NOT NULL,
        left_document_id TEXT NOT NULL,
        right_document_id TEXT NOT NULL,
        left_chunk INTEGER NOT NULL,
        right_chunk INTEGER NOT NULL,
        value_key TEXT NOT NULL,
        left_side TEXT NOT NULL,
        right_side TEXT NOT NULL,
        similarity REAL NOT NULL,
        overlap REAL NOT NULL,
        detected_at INTEGER NOT NULL,
        resolved_by TEXT,
        resolved_at INTEGER,
        note TEXT,
        UNIQUE (store_id, left_chunk, right_chunk, value_key)
      );
      CREATE INDEX kn_conflicts_store ON kn_conflicts (store_id, detected_at, id);
      CREATE INDEX kn_conflicts_detected ON kn_conflicts (detected_at, id);
      CREATE INDEX kn_conflicts_left ON kn_conflicts (left_document_id);
      CREATE INDEX kn_conflicts_right ON kn_conflicts (right_document_id);
    `,
  },
];

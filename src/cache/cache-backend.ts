/**
 * Where cache entries live, behind one interface (docs/cache.md): in-process (memory-cache-backend.ts),
 * SQLite (sqlite-cache-store.ts) and Redis (redis-cache-backend.ts). Every backend runs the contract
 * suite in cache-backend.contract.ts. A backend stores opaque payloads: decoding and checking them
 * is the service's job (cache-entry.ts), so a corrupt row is caught the same way everywhere.
 */

/** What an entry is filed under, for purges: none of it is the prompt's text. */
export interface CacheTags {
  /** The public model or route name the call resolved to. */
  route: string;
  /** The upstream model (`provider/model`). */
  model: string;
  /** The tenant scope (`key:<id>`, `team:<name>`, `global`). */
  scope: string;
  /** `name@version` of the prompt it was made with, or null. */
  prompt: string | null;
}

/** What the semantic index holds for an entry: its context (semantic-index.ts) and the last user turn's embedding. */
export interface SemanticPart {
  context: string;
  vector: Float32Array;
}

export interface StoredEntry {
  key: string;
  /** The encoded payload (cache-entry.ts). */
  value: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; the entry is never returned at or after it. */
  expiresAt: number;
  tags: CacheTags;
  /** Present when the semantic cache indexed the entry: kept with it so a restart rebuilds the index from the backend. */
  semantic?: SemanticPart;
}

/** One live entry's semantic part, for the index rebuild at start. */
export interface SemanticRow extends SemanticPart {
  key: string;
  createdAt: number;
}

/** Entries matching every given field are deleted; a prompt filter matches `name@…` when it has no `@`. */
export interface CachePurgeFilter {
  route?: string;
  model?: string;
  scope?: string;
  prompt?: string;
}

export interface CacheBackend {
  readonly name: "memory" | "sqlite" | "redis";
  /** The live entry under `key`, or null when missing or expired at `now` (an expired entry may be deleted). */
  get(key: string, now: number): StoredEntry | null | Promise<StoredEntry | null>;
  /** Stores or replaces the entry under its key. */
  set(entry: StoredEntry): void | Promise<void>;
  /** Removes one entry (a corrupt one, found by the service); no error when missing. */
  delete(key: string): void | Promise<void>;
  /** Deletes every entry matching the filter (an empty filter: all) and returns how many. */
  purge(filter: CachePurgeFilter): number | Promise<number>;
  /** The live entries (at `now`) that have a semantic part: the newest `limit`, returned oldest first. */
  semanticEntries(now: number, limit: number): SemanticRow[] | Promise<SemanticRow[]>;
  /** How many entries are stored, expired ones not yet removed included. */
  count(): number | Promise<number>;
  close(): void | Promise<void>;
}

/** Whether an entry's tags match a purge filter. */
export function matchesPurge(tags: CacheTags, f: CachePurgeFilter): boolean {
  if (f.route !== undefined && tags.route !== f.route) return false;
  if (f.model !== undefined && tags.model !== f.model) return false;
  if (f.scope !== undefined && tags.scope !== f.scope) return false;
  if (f.prompt !== undefined) {
    if (tags.prompt === null) return false;
    if (f.prompt.includes("@") ? tags.prompt !== f.prompt : !tags.prompt.startsWith(`${f.prompt}@`)) return false;
  }
  return true;
}

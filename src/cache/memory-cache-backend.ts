import { type CacheBackend, type CachePurgeFilter, matchesPurge, type SemanticRow, type StoredEntry } from "./cache-backend.js";

// Per-entry overhead beyond the strings (the entry object, tags, the map slot): an estimate, so
// the bound is on what the process really holds and not just on payload characters.
const ENTRY_OVERHEAD = 256;

/**
 * The in-process backend: a least-recently-used map bounded by bytes. A Map keeps insertion
 * order, so a hit re-inserts its entry and eviction takes from the front: O(1) both ways.
 */
export class MemoryCacheBackend implements CacheBackend {
  readonly name = "memory" as const;
  private readonly map = new Map<string, StoredEntry>();
  private bytes = 0;
  /** Entries evicted to stay under the bound. */
  evicted = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string, now: number): StoredEntry | null {
    const e = this.map.get(key);
    if (!e) return null;
    if (e.expiresAt <= now) {
      this.remove(key, e);
      return null;
    }
    this.map.delete(key);
    this.map.set(key, e);
    return e;
  }

  set(entry: StoredEntry): void {
    const old = this.map.get(entry.key);
    if (old) this.remove(entry.key, old);
    const size = sizeOf(entry);
    if (size > this.maxBytes) return;
    this.map.set(entry.key, entry);
    this.bytes += size;
    for (const [k, e] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k, e);
      this.evicted++;
    }
  }

  delete(key: string): void {
    const e = this.map.get(key);
    if (e) this.remove(key, e);
  }

  purge(filter: CachePurgeFilter): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (matchesPurge(e.tags, filter)) {
        this.remove(k, e);
        n++;
      }
    }
    return n;
  }

  semanticEntries(now: number, limit: number): SemanticRow[] {
    const rows: SemanticRow[] = [];
    for (const e of this.map.values()) if (e.semantic && e.expiresAt > now) rows.push({ key: e.key, createdAt: e.createdAt, ...e.semantic });
    return newestOldestFirst(rows, limit);
  }

  count(): number {
    return this.map.size;
  }

  /** The bytes held by the estimate the bound uses. */
  heldBytes(): number {
    return this.bytes;
  }

  close(): void {
    this.map.clear();
    this.bytes = 0;
  }

  private remove(key: string, e: StoredEntry): void {
    this.map.delete(key);
    this.bytes -= sizeOf(e);
  }
}

function sizeOf(e: StoredEntry): number {
  // UTF-16 strings: two bytes a character; a vector its bytes.
  const semantic = e.semantic ? 2 * e.semantic.context.length + e.semantic.vector.byteLength : 0;
  return ENTRY_OVERHEAD + semantic + 2 * (e.key.length + e.value.length + e.tags.route.length + e.tags.model.length + e.tags.scope.length + (e.tags.prompt?.length ?? 0));
}

/** The newest `limit` rows, oldest first (the order the index adds them in, so its eviction order holds). */
export function newestOldestFirst(rows: SemanticRow[], limit: number): SemanticRow[] {
  rows.sort((a, b) => a.createdAt - b.createdAt || (a.key < b.key ? -1 : 1));
  return rows.length > limit ? rows.slice(rows.length - limit) : rows;
}

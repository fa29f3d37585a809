import type { Redis } from "ioredis";
import { base64ToFloat32, float32ToBase64 } from "../providers/embeddings/vector.js";
import { type CacheBackend, type CachePurgeFilter, matchesPurge, type SemanticRow, type StoredEntry } from "./cache-backend.js";
import { newestOldestFirst } from "./memory-cache-backend.js";

/**
 * Entries shared by every Keel instance on one Redis: one string per entry,
 * `<prefix>cache:e:<key>`, holding the stored entry as JSON and expiring with it (PX), so Redis
 * itself forgets dead entries. A purge scans the entry keys (it is rare and administrative; the
 * lookups stay one GET).
 */
export class RedisCacheBackend implements CacheBackend {
  readonly name = "redis" as const;
  private readonly ns: string;

  constructor(private readonly redis: Redis, prefix: string) {
    this.ns = `${prefix}cache:e:`;
  }

  async get(key: string, now: number): Promise<StoredEntry | null> {
    const raw = await this.redis.get(this.ns + key);
    if (raw === null) return null;
    const e = parseStored(raw, key);
    // Unparseable framing is handed on as a corrupt payload: the service drops and counts it.
    if (!e) return { key, value: raw, createdAt: now, expiresAt: now + 1, tags: { route: "", model: "", scope: "", prompt: null } };
    return e.expiresAt <= now ? null : e;
  }

  async set(e: StoredEntry): Promise<void> {
    const ttl = Math.max(1, e.expiresAt - e.createdAt);
    // The vector as base64 of little-endian float32 (JSON would spell a Float32Array as an object of 512 keys).
    const json = JSON.stringify(e.semantic ? { ...e, semantic: { context: e.semantic.context, vector: float32ToBase64(e.semantic.vector) } } : e);
    await this.redis.set(this.ns + e.key, json, "PX", ttl);
  }

  async delete(key: string): Promise<void> {
    await this.redis.del(this.ns + key);
  }

  async purge(f: CachePurgeFilter): Promise<number> {
    let n = 0;
    for await (const batch of this.scanEntries()) {
      // A corrupt entry matches any purge: nothing it holds can be trusted to say otherwise.
      const doomed = batch.filter(({ entry }) => !entry || matchesPurge(entry.tags, f)).map(({ redisKey }) => redisKey);
      if (doomed.length > 0) n += await this.redis.del(...doomed);
    }
    return n;
  }

  /** A scan of every entry (once, at start), like a purge's. */
  async semanticEntries(now: number, limit: number): Promise<SemanticRow[]> {
    const rows: SemanticRow[] = [];
    for await (const batch of this.scanEntries()) {
      for (const { entry: e } of batch) if (e?.semantic && e.expiresAt > now) rows.push({ key: e.key, createdAt: e.createdAt, ...e.semantic });
    }
    return newestOldestFirst(rows, limit);
  }

  /**
   * Every entry of this namespace, a SCAN page at a time (500 keys, one MGET each): the Redis key
   * and the entry parsed, or null when it is corrupt. Keys that vanished between SCAN and MGET are left out.
   */
  private async *scanEntries(): AsyncGenerator<{ redisKey: string; entry: StoredEntry | null }[]> {
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${escapeGlob(this.ns)}*`, "COUNT", 500);
      cursor = next;
      if (keys.length === 0) continue;
      const values = await this.redis.mget(...keys);
      const batch: { redisKey: string; entry: StoredEntry | null }[] = [];
      for (let i = 0; i < keys.length; i++) {
        const v = values[i];
        if (v !== null) batch.push({ redisKey: keys[i], entry: parseStored(v, keys[i].slice(this.ns.length)) });
      }
      yield batch;
    } while (cursor !== "0");
  }

  async count(): Promise<number> {
    let n = 0;
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${escapeGlob(this.ns)}*`, "COUNT", 500);
      cursor = next;
      n += keys.length;
    } while (cursor !== "0");
    return n;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function parseStored(raw: string, key: string): StoredEntry | null {
  try {
    const e = JSON.parse(raw) as Omit<StoredEntry, "semantic"> & { semantic?: { context?: unknown; vector?: unknown } };
    if (!e || typeof e.value !== "string" || typeof e.expiresAt !== "number" || typeof e.createdAt !== "number" || !e.tags || e.key !== key) return null;
    const { semantic, ...rest } = e;
    if (semantic === undefined) return rest;
    // A mangled semantic part costs the entry its place in the index, not its answer.
    if (typeof semantic?.context !== "string" || typeof semantic.vector !== "string") return rest;
    return { ...rest, semantic: { context: semantic.context, vector: base64ToFloat32(semantic.vector) } };
  } catch {
    return null;
  }
}

function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, "\\$&");
}

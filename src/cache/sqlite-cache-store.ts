import type { SqliteDb } from "../store/sqlite.js";
import type { CacheBackend, CachePurgeFilter, SemanticRow, StoredEntry } from "./cache-backend.js";

interface Row {
  key: string;
  value: string;
  created_at: number;
  expires_at: number;
  route: string;
  model: string;
  scope: string;
  prompt: string | null;
  semantic_context: string | null;
  semantic_vector: Buffer | null;
}

// Float32 bytes, little-endian as every supported host; copied out, as a BLOB's buffer may be unaligned.
const toBlob = (v: Float32Array): Buffer => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
const fromBlob = (b: Uint8Array): Float32Array => {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
};

// Expired rows are swept every this many writes, in one indexed delete (reads skip them anyway).
const SWEEP_EVERY = 256;

/**
 * The embedded default: entries in `<data dir>/cache.db` (cache-migrations.ts), so they outlive a
 * restart. A lookup is one primary-key read on a prepared statement, synchronous
 * (better-sqlite3): tens of microseconds, no thread hop; writes happen after the response.
 */
export class SqliteCacheStore implements CacheBackend {
  readonly name = "sqlite" as const;
  private readonly getStmt;
  private readonly setStmt;
  private readonly delStmt;
  private readonly sweepStmt;
  private readonly countStmt;
  private readonly semanticStmt;
  private writes = 0;

  constructor(private readonly db: SqliteDb) {
    this.getStmt = db.prepare<[string], Row>("SELECT * FROM cache_entries WHERE key = ?");
    this.setStmt = db.prepare("INSERT OR REPLACE INTO cache_entries (key, value, created_at, expires_at, route, model, scope, prompt, semantic_context, semantic_vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    this.delStmt = db.prepare("DELETE FROM cache_entries WHERE key = ?");
    this.sweepStmt = db.prepare("DELETE FROM cache_entries WHERE expires_at <= ?");
    this.countStmt = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM cache_entries");
    this.semanticStmt = db.prepare<[number, number], Pick<Row, "key" | "created_at" | "semantic_context" | "semantic_vector">>(
      "SELECT key, created_at, semantic_context, semantic_vector FROM cache_entries WHERE semantic_context IS NOT NULL AND expires_at > ? ORDER BY created_at DESC, key DESC LIMIT ?",
    );
  }

  get(key: string, now: number): StoredEntry | null {
    const r = this.getStmt.get(key);
    if (!r) return null;
    if (r.expires_at <= now) {
      this.delStmt.run(key);
      return null;
    }
    const e: StoredEntry = { key: r.key, value: r.value, createdAt: r.created_at, expiresAt: r.expires_at, tags: { route: r.route, model: r.model, scope: r.scope, prompt: r.prompt } };
    if (r.semantic_context !== null && r.semantic_vector !== null) e.semantic = { context: r.semantic_context, vector: fromBlob(r.semantic_vector) };
    return e;
  }

  set(e: StoredEntry): void {
    this.setStmt.run(e.key, e.value, e.createdAt, e.expiresAt, e.tags.route, e.tags.model, e.tags.scope, e.tags.prompt, e.semantic?.context ?? null, e.semantic ? toBlob(e.semantic.vector) : null);
    if (++this.writes % SWEEP_EVERY === 0) this.sweepStmt.run(e.createdAt);
  }

  delete(key: string): void {
    this.delStmt.run(key);
  }

  purge(f: CachePurgeFilter): number {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.route !== undefined) { where.push("route = ?"); args.push(f.route); }
    if (f.model !== undefined) { where.push("model = ?"); args.push(f.model); }
    if (f.scope !== undefined) { where.push("scope = ?"); args.push(f.scope); }
    if (f.prompt !== undefined) {
      if (f.prompt.includes("@")) { where.push("prompt = ?"); args.push(f.prompt); }
      // substr, not LIKE: a prompt name may hold `%` or `_`.
      else { where.push("substr(prompt, 1, ?) = ?"); args.push(f.prompt.length + 1, `${f.prompt}@`); }
    }
    const sql = `DELETE FROM cache_entries${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`;
    return this.db.prepare(sql).run(...args).changes;
  }

  semanticEntries(now: number, limit: number): SemanticRow[] {
    const rows = this.semanticStmt.all(now, limit);
    return rows.reverse().map((r) => ({ key: r.key, createdAt: r.created_at, context: r.semantic_context!, vector: fromBlob(r.semantic_vector!) }));
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  close(): void {
    this.db.close();
  }
}

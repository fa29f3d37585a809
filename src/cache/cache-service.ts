import { CacheActivity } from "./cache-activity.js";
import type { CacheBackend, CachePurgeFilter, CacheTags, SemanticPart } from "./cache-backend.js";
import { type CachedAnswer, decodeAnswer, encodeAnswer } from "./cache-entry.js";
import type { CacheConfig } from "./cache-schema.js";
import { CacheSettingsTable } from "./cache-settings.js";
import { EntryThresholds } from "./entry-thresholds.js";
import type { SemanticIndex } from "./semantic-index.js";
import type { SemanticVerifier, VerifyJob } from "./semantic-verifier.js";

/** What the semantic cache needs: its index and an embedder (the offline one by default). */
export interface SemanticCache {
  readonly index: SemanticIndex;
  /** The embedder's model and dimensions: stored vectors of another model are not comparable, so they are not restored. */
  readonly model: string;
  readonly dimensions: number;
  readonly embed: (text: string, signal?: AbortSignal) => Promise<Float32Array>;
  /** Longest text embedded; longer turns are cut to it. */
  readonly maxChars: number;
}

/** Counters since start, read by /metrics and the admin API. */
export interface CacheCounters {
  hits: number;
  semanticHits: number;
  misses: number;
  bypasses: number;
  stored: number;
  /** Entries read back that failed their checks: dropped (deleted), never served. */
  droppedCorrupt: number;
  /** Entries read back larger than the route allows: dropped likewise. */
  droppedOversized: number;
  /** Answers not stored because their entry was over `max_entry_bytes`. */
  skippedOversized: number;
  /** Answers not stored because they held personal data or a secret (cache-safety.ts). */
  skippedSensitive: number;
  /** A backend read or write failed: the call went on as a miss (or unstored). */
  backendErrors: number;
  /** The embedder failed on a turn: the call went on as an exact-only miss. */
  embedErrors: number;
  tokensSaved: number;
  usdSaved: number;
}

export interface CacheHit {
  answer: CachedAnswer;
  /** Seconds since the entry was made. */
  ageS: number;
}

/**
 * The response cache over one backend: lookups that decode and check what they read (a corrupt
 * or oversized entry is deleted and counted, never served), writes bounded by size, purges.
 * A backend failure never fails a call: it is a miss, counted.
 */
export class CacheService {
  readonly settings: CacheSettingsTable;
  readonly maxRequestTtlS: number;
  readonly counters: CacheCounters = {
    hits: 0, semanticHits: 0, misses: 0, bypasses: 0, stored: 0, droppedCorrupt: 0, droppedOversized: 0, skippedOversized: 0, skippedSensitive: 0, backendErrors: 0, embedErrors: 0, tokensSaved: 0, usdSaved: 0,
  };

  /** Outcomes per hour and lookup times, for the Cache page (bounded, in process). */
  readonly activity = new CacheActivity();
  /** Semantic thresholds raised by verified false hits (entry-thresholds.ts). */
  readonly thresholds: EntryThresholds;
  /** The online false-hit estimate's re-asks; null until the app attaches one (it needs routing). */
  verifier: SemanticVerifier | null = null;
  private readonly onFalseHit: "raise" | "evict";

  constructor(readonly backend: CacheBackend, cfg: CacheConfig, private readonly onError: (what: string, err: unknown) => void = () => {}, readonly semantic: SemanticCache | null = null) {
    this.settings = new CacheSettingsTable(cfg);
    this.maxRequestTtlS = cfg.max_request_ttl_s;
    this.thresholds = new EntryThresholds(cfg.semantic.max_entries);
    this.onFalseHit = cfg.semantic.on_false_hit;
  }

  /**
   * A verified false hit on an entry: under `raise` (default) the entry's own threshold goes above
   * the false hit's similarity; under `evict` the entry and its vector are deleted.
   */
  async falseHit(job: VerifyJob): Promise<void> {
    if (this.onFalseHit === "raise") {
      this.thresholds.raise(job.key, job.routeThreshold, job.similarity);
      return;
    }
    this.semantic?.index.remove(job.context, job.key);
    this.thresholds.forget(job.key);
    try {
      await this.backend.delete(job.key);
    } catch (err) {
      this.onError("cache delete after a verified false hit failed", err);
    }
  }

  /** The live answer under `key`, or null; a promise only when the backend is asynchronous (Redis). */
  lookup(key: string, maxEntryBytes: number, now: number): CacheHit | null | Promise<CacheHit | null> {
    const t0 = performance.now();
    let got;
    try {
      got = this.backend.get(key, now);
    } catch (err) {
      return this.failedRead(err);
    }
    if (got instanceof Promise) {
      return got.then((e) => this.check(key, e, maxEntryBytes, now), (err) => this.failedRead(err))
        .then((hit) => (this.activity.lookup(performance.now() - t0), hit));
    }
    const hit = this.check(key, got, maxEntryBytes, now);
    this.activity.lookup(performance.now() - t0);
    return hit;
  }

  /** Counts the outcome of one call (the gateway calls this once per call it decided on). */
  count(outcome: "hit" | "semantic-hit" | "miss" | "bypass", hit?: CachedAnswer, now = Date.now()): void {
    this.activity.count(outcome, now, hit && outcome !== "miss" && outcome !== "bypass" ? { tokens: hit.tokensIn + hit.tokensOut, usd: hit.costUsd } : undefined);
    if (outcome === "hit" || outcome === "semantic-hit") {
      if (outcome === "hit") this.counters.hits++;
      else this.counters.semanticHits++;
      if (hit) {
        this.counters.tokensSaved += hit.tokensIn + hit.tokensOut;
        this.counters.usdSaved += hit.costUsd;
      }
    } else if (outcome === "miss") this.counters.misses++;
    else this.counters.bypasses++;
  }

  /**
   * Stores an answer unless its entry is over `maxEntryBytes`; resolves when written (failures are
   * counted, not thrown). `semantic`: the entry's context and vector, kept with it (the context
   * prefixed with the embedder's model) so `restoreSemantic` can refill the index after a restart.
   */
  store(key: string, tags: CacheTags, answer: CachedAnswer, ttlS: number, maxEntryBytes: number, now: number, semantic?: SemanticPart): Promise<boolean> {
    const value = encodeAnswer(key, answer);
    if (Buffer.byteLength(value) > maxEntryBytes) {
      this.counters.skippedOversized++;
      return Promise.resolve(false);
    }
    try {
      const kept = semantic && this.semantic ? { context: `${this.semantic.model}\u0000${semantic.context}`, vector: semantic.vector } : undefined;
      const done = this.backend.set({ key, value, createdAt: now, expiresAt: now + ttlS * 1000, tags, ...(kept ? { semantic: kept } : {}) });
      return Promise.resolve(done).then(() => {
        this.counters.stored++;
        return true;
      }, (err) => this.failedWrite(err));
    } catch (err) {
      return Promise.resolve(this.failedWrite(err));
    }
  }

  /**
   * Refills the semantic index from the backend's live entries made with the same embedder (at
   * start; lookups meanwhile are misses where the index is not built yet). Resolves with the
   * vectors restored; a failure is reported and leaves the index to fill from new answers.
   */
  async restoreSemantic(now: number): Promise<number> {
    const s = this.semantic;
    if (!s) return 0;
    try {
      const prefix = `${s.model}\u0000`;
      const rows = (await this.backend.semanticEntries(now, s.index.maxTotal)).filter((r) => r.context.startsWith(prefix)).map((r) => ({ ...r, context: r.context.slice(prefix.length) }));
      await s.index.restore(rows, s.dimensions);
      return s.index.size;
    } catch (err) {
      this.onError("semantic index restore failed", err);
      return 0;
    }
  }

  async purge(filter: CachePurgeFilter): Promise<number> {
    // Vectors whose entry is gone are dropped when a lookup finds them missing; a full purge clears them.
    if (Object.keys(filter).length === 0) {
      this.semantic?.index.clear();
      this.thresholds.clear();
    }
    return await this.backend.purge(filter);
  }

  private readonly fingerprints = new Map<string, string>();

  /**
   * Called with each answered call's serving target (`provider/model`) and `system_fingerprint`:
   * when a target's fingerprint changes (its backend was updated — what the drift tracker also
   * sees), the entries matching `filter` (the route it served) are purged. Keyed by target, so a
   * route over several targets with different fingerprints does not flap. Returns the purge, or
   * null when nothing changed.
   */
  observeFingerprint(target: string, fingerprint: string | null | undefined, filter: CachePurgeFilter): Promise<number> | null {
    if (!fingerprint) return null;
    const before = this.fingerprints.get(target);
    if (before === fingerprint) return null;
    // Bounded: one string per target Keel has served.
    if (before !== undefined || this.fingerprints.size < 10_000) this.fingerprints.set(target, fingerprint);
    if (before === undefined) return null;
    return this.purge(filter).catch((err) => {
      this.onError("cache purge after a fingerprint change failed", err);
      return 0;
    });
  }

  async entries(): Promise<number> {
    return await this.backend.count();
  }

  async close(): Promise<void> {
    this.verifier?.close();
    await this.backend.close();
  }

  private check(key: string, e: { value: string; createdAt: number } | null, maxEntryBytes: number, now: number): CacheHit | null {
    if (!e) return null;
    // Characters bound bytes from below; a UTF-8 byte check on every hit would cost a pass.
    const d = decodeAnswer(key, e.value, maxEntryBytes);
    if (d.ok) return { answer: d.answer, ageS: Math.max(0, Math.floor((now - e.createdAt) / 1000)) };
    if (d.why === "corrupt") this.counters.droppedCorrupt++;
    else this.counters.droppedOversized++;
    try {
      void Promise.resolve(this.backend.delete(key)).catch((err) => this.onError("cache delete failed", err));
    } catch (err) {
      this.onError("cache delete failed", err);
    }
    return null;
  }

  /** The turn's embedding, or null when the embedder failed (counted). */
  async embed(text: string, signal?: AbortSignal): Promise<Float32Array | null> {
    if (!this.semantic) return null;
    try {
      return await this.semantic.embed(text.length > this.semantic.maxChars ? text.slice(0, this.semantic.maxChars) : text, signal);
    } catch (err) {
      if (signal?.aborted) return null;
      this.counters.embedErrors++;
      this.onError("cache embedding failed", err);
      return null;
    }
  }

  private failedRead(err: unknown): null {
    this.counters.backendErrors++;
    this.onError("cache read failed", err);
    return null;
  }

  private failedWrite(err: unknown): false {
    this.counters.backendErrors++;
    this.onError("cache write failed", err);
    return false;
  }
}

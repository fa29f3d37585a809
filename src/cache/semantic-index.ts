import { createHash } from "node:crypto";
import { ExactIndex } from "../knowledge/exact-index.js";
import { HnswIndex, type HnswOptions } from "../knowledge/hnsw-index.js";
import type { VectorIndex } from "../knowledge/vector-index.js";
import { canonicalBody, type CacheKeyParts } from "./cache-key.js";

/**
 * The semantic cache's in-process index (docs/cache.md): vectors of the last user turn, grouped
 * by their **context** — everything the exact key holds except that turn's text (scope, model,
 * prompt version, system prompt, earlier turns, tools, parameters). A lookup compares only within
 * one context, so "and in French?" never matches a follow-up of another conversation, and the same
 * question under another system prompt or tool list never matches.
 *
 * One vector index per context (the knowledge layer's `VectorIndex`), not one index with a scope
 * filter: usearch has no filtered search from JavaScript, and a filter applied after the graph
 * search would miss a small context's entries behind a large one's. A context starts on the exact
 * index (brute force: below `annFrom` vectors it costs under a millisecond) and moves to HNSW when
 * it reaches `annFrom`, so one context of 100k entries is searched in about a millisecond instead of
 * hundreds (bench/cache.ts). HNSW is approximate: it may miss the nearest entry (a miss that
 * should have been a hit), but its similarity is the real cosine, so it never passes an entry
 * below the threshold. Bounded per context and in total; the oldest go first. Per instance, refilled
 * at start from the vectors the backend keeps with each entry (`restore`); with the Redis backend
 * each instance then indexes what it writes.
 */

export interface SemanticMatch {
  key: string;
  similarity: number;
}

export interface SemanticIndexOptions {
  /** Vectors at which a context moves from brute force to HNSW. */
  annFrom?: number;
  hnsw?: HnswOptions;
}

/** 512 × 512-d vectors scan in ~0.3 ms in JavaScript; the move to HNSW (one batch) costs ~0.1 s once. */
export const SEMANTIC_ANN_FROM = 512;

interface Group {
  /** Entry key → its integer id in `vectors`, oldest first (a Map keeps insertion order). */
  ids: Map<string, number>;
  keys: Map<number, string>;
  vectors: VectorIndex;
}

export class SemanticIndex {
  private readonly groups = new Map<string, Group>();
  private readonly annFrom: number;
  private total = 0;
  private nextId = 1;

  constructor(private readonly maxPerContext: number, readonly maxTotal: number, private readonly opts: SemanticIndexOptions = {}) {
    this.annFrom = Math.max(1, opts.annFrom ?? SEMANTIC_ANN_FROM);
  }

  get size(): number {
    return this.total;
  }

  /** How many contexts are searched through HNSW (the rest by brute force). */
  get annContexts(): number {
    let n = 0;
    for (const g of this.groups.values()) if (g.vectors.kind === "hnsw") n++;
    return n;
  }

  add(context: string, key: string, vector: Float32Array): void {
    let g = this.groups.get(context);
    if (!g) this.groups.set(context, (g = { ids: new Map(), keys: new Map(), vectors: new ExactIndex(vector.length, 8) }));
    const known = g.ids.get(key);
    if (known !== undefined) {
      g.vectors.add(known, vector);
      return;
    }
    const id = this.nextId++;
    g.vectors.add(id, vector);
    g.ids.set(key, id);
    g.keys.set(id, key);
    this.total++;
    if (g.vectors instanceof ExactIndex && g.ids.size >= this.annFrom) g.vectors = toHnsw(g.vectors, this.opts.hnsw);
    if (g.ids.size > this.maxPerContext) this.dropOldest(context, g);
    while (this.total > this.maxTotal) {
      const [oldest, og] = this.groups.entries().next().value as [string, Group];
      this.dropOldest(oldest, og);
    }
  }

  /**
   * Refills the index from stored entries (the backend's, at start), oldest first: each context's
   * newest `maxPerContext`, a context past `annFrom` built on HNSW in batches of `slice`, yielding
   * to the event loop between them (a 100k build is tens of seconds of native calls). Lookups made
   * meanwhile see the part built so far: a miss, never a wrong hit. Rows of another dimension
   * (an embedder changed since) are skipped.
   */
  async restore(rows: readonly { key: string; context: string; vector: Float32Array }[], dimensions: number, slice = 2048): Promise<void> {
    const byContext = new Map<string, { key: string; vector: Float32Array }[]>();
    for (const r of rows) {
      if (r.vector.length !== dimensions) continue;
      let g = byContext.get(r.context);
      if (!g) byContext.set(r.context, (g = []));
      g.push(r);
    }
    for (const [context, all] of byContext) {
      const keep = all.length > this.maxPerContext ? all.slice(all.length - this.maxPerContext) : all;
      let i = 0;
      // Up to the move to HNSW one at a time (cheap: brute force), then in batches.
      for (; i < keep.length && (this.groups.get(context)?.vectors.kind ?? "exact") === "exact"; i++) this.add(context, keep[i].key, keep[i].vector);
      for (; i < keep.length; i += slice) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.addBatch(context, keep.slice(i, i + slice));
      }
    }
  }

  /** The most similar entry in the context (approximately, once it is on HNSW), or null when the context has none. */
  nearest(context: string, v: Float32Array): SemanticMatch | null {
    const g = this.groups.get(context);
    if (!g) return null;
    const [hit] = g.vectors.search(v, 1);
    return hit ? { key: g.keys.get(hit.key)!, similarity: hit.score } : null;
  }

  /** Forgets one entry (its answer is gone from the backend: expired, purged or corrupt). */
  remove(context: string, key: string): void {
    const g = this.groups.get(context);
    const id = g?.ids.get(key);
    if (!g || id === undefined) return;
    this.forget(context, g, key, id);
  }

  clear(): void {
    this.groups.clear();
    this.total = 0;
  }

  /** Many entries into a context already on HNSW: one native batch, then the bounds. */
  private addBatch(context: string, rows: readonly { key: string; vector: Float32Array }[]): void {
    const g = this.groups.get(context);
    if (!g) return;
    const ids: number[] = [];
    const vectors: Float32Array[] = [];
    for (const r of rows) {
      let id = g.ids.get(r.key);
      if (id === undefined) {
        id = this.nextId++;
        g.ids.set(r.key, id);
        g.keys.set(id, r.key);
        this.total++;
      }
      ids.push(id);
      vectors.push(r.vector);
    }
    g.vectors.addBatch(ids, vectors);
    while (g.ids.size > this.maxPerContext) this.dropOldest(context, g);
    while (this.total > this.maxTotal) {
      const [oldest, og] = this.groups.entries().next().value as [string, Group];
      this.dropOldest(oldest, og);
    }
  }

  private dropOldest(context: string, g: Group): void {
    const [key, id] = g.ids.entries().next().value as [string, number];
    this.forget(context, g, key, id);
  }

  private forget(context: string, g: Group, key: string, id: number): void {
    g.vectors.remove(id);
    g.ids.delete(key);
    g.keys.delete(id);
    this.total--;
    if (g.ids.size === 0) this.groups.delete(context);
  }
}

function toHnsw(exact: ExactIndex, opts: HnswOptions | undefined): HnswIndex {
  const h = new HnswIndex(exact.dimensions, opts);
  const ids: number[] = [];
  const vectors: Float32Array[] = [];
  for (const [id, v] of exact.entries()) {
    ids.push(id);
    vectors.push(v);
  }
  h.addBatch(ids, vectors);
  return h;
}

/** The last user turn's text and the context hash around it; null when the last user turn has no text. */
export function semanticParts(p: CacheKeyParts): { text: string; context: string } | null {
  const messages = p.body.messages;
  if (!Array.isArray(messages)) return null;
  let at = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if ((messages[i] as { role?: unknown })?.role === "user") {
      at = i;
      break;
    }
  }
  if (at < 0) return null;
  const text = textOf((messages[at] as { content?: unknown }).content);
  if (!text || text.trim() === "") return null;
  // The context: the body with that turn's content blanked (its position and role stay in it).
  const rest = messages.slice();
  rest[at] = { ...(messages[at] as object), content: "" };
  const h = createHash("sha256");
  for (const part of ["keel-semantic-v2", p.surface, p.scope, p.model.name, p.model.provider, p.model.upstream, p.prompt ?? "", canonicalBody({ ...p.body, messages: rest })]) {
    h.update(part);
    h.update("\u0000");
  }
  return { text, context: h.digest("hex") };
}

function textOf(content: unknown): string | null {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return null;
  let out = "";
  for (const part of content) {
    const p = part as { type?: unknown; text?: unknown };
    // An image or audio part is not in the text: such a turn is not matched semantically.
    if (p?.type !== "text" || typeof p.text !== "string") return null;
    out += (out ? "\n" : "") + p.text;
  }
  return out;
}

import { createHash } from "node:crypto";
import { canonicalBody, type CacheKeyParts } from "./cache-key.js";

/**
 * The semantic cache's in-process index (docs/cache.md): vectors of the last user turn, grouped
 * by their **context** — everything the exact key holds except that turn's text (scope, model,
 * prompt version, system prompt, earlier turns, tools, parameters). A lookup compares only within
 * one context, so "and in French?" never matches a follow-up of another conversation, and the same
 * question under another system prompt or tool list never matches. Brute force over one context's
 * vectors (unit length: a dot product each), bounded per context and in total; the oldest go first.
 * Per instance: with the Redis backend each instance indexes what it wrote.
 */

export interface SemanticMatch {
  key: string;
  similarity: number;
}

interface Group {
  keys: string[];
  vectors: Float32Array[];
}

export class SemanticIndex {
  private readonly groups = new Map<string, Group>();
  private total = 0;

  constructor(private readonly maxPerContext: number, private readonly maxTotal: number) {}

  get size(): number {
    return this.total;
  }

  add(context: string, key: string, vector: Float32Array): void {
    let g = this.groups.get(context);
    if (!g) this.groups.set(context, (g = { keys: [], vectors: [] }));
    const at = g.keys.indexOf(key);
    if (at >= 0) {
      g.vectors[at] = vector;
      return;
    }
    g.keys.push(key);
    g.vectors.push(vector);
    this.total++;
    if (g.keys.length > this.maxPerContext) this.dropOldest(context, g);
    while (this.total > this.maxTotal) {
      const [oldest, og] = this.groups.entries().next().value as [string, Group];
      this.dropOldest(oldest, og);
    }
  }

  /** The most similar entry in the context, or null when the context has none. */
  nearest(context: string, v: Float32Array): SemanticMatch | null {
    const g = this.groups.get(context);
    if (!g) return null;
    let best = -2;
    let bestAt = -1;
    for (let i = 0; i < g.vectors.length; i++) {
      const u = g.vectors[i];
      let s = 0;
      for (let d = 0; d < u.length; d++) s += u[d] * v[d];
      if (s > best) {
        best = s;
        bestAt = i;
      }
    }
    return bestAt < 0 ? null : { key: g.keys[bestAt], similarity: best };
  }

  /** Forgets one entry (its answer is gone from the backend: expired, purged or corrupt). */
  remove(context: string, key: string): void {
    const g = this.groups.get(context);
    const at = g ? g.keys.indexOf(key) : -1;
    if (!g || at < 0) return;
    g.keys.splice(at, 1);
    g.vectors.splice(at, 1);
    this.total--;
    if (g.keys.length === 0) this.groups.delete(context);
  }

  clear(): void {
    this.groups.clear();
    this.total = 0;
  }

  private dropOldest(context: string, g: Group): void {
    g.keys.shift();
    g.vectors.shift();
    this.total--;
    if (g.keys.length === 0) this.groups.delete(context);
  }
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

import { createHash } from "node:crypto";

/**
 * The exact cache key: a SHA-256 over a canonical form of everything that can change the answer
 * (docs/decisions/0024-cache-key-and-scope.md). The body of record is hashed whole — every field
 * but the few listed here — so a field a provider reads that Keel does not know (a passthrough
 * parameter) still separates entries: leaving a field out of the key must be a decision, never
 * an omission.
 */

/**
 * Body fields left out of the key, each because it does not change the answer: `model` (replaced
 * by the resolved model), `stream` and `stream_options` (a hit is replayed in either form),
 * `user` and `metadata` (attribution and labels only). Keel-only fields (`prompt`, `keel_*`)
 * never reach the body of record.
 */
export const KEY_EXCLUDED_FIELDS: readonly string[] = ["model", "stream", "stream_options", "user", "metadata"];
const EXCLUDED = new Set(KEY_EXCLUDED_FIELDS);

/** What besides the body decides an entry. */
export interface CacheKeyParts {
  /**
   * The inbound wire format (`openai.chat_completions`, `anthropic.messages`, `openai.responses`):
   * an entry answers only the surface that made it. Two surfaces can translate to the same body of
   * record while their clients asked under different defaults, and each replays in its own grammar.
   */
  surface: string;
  /** The resolved public model or route name, its provider and upstream model. */
  model: { name: string; provider: string; upstream: string };
  /** The body of record (prompt rendered, screened, Keel-only fields stripped). */
  body: Record<string, unknown>;
  /** `name@version` of the registered prompt the call rendered, or null. */
  prompt: string | null;
  /** The tenant scope: `key:<id>`, `team:<name>` or `global` (cache-scope.ts). */
  scope: string;
}

// Bumped when the canonical form changes, so entries made under an older form never match
// (v2: the surface joined the key).
const FORM = "keel-cache-v2";

/** The key: 64 hex characters. */
export function cacheKey(p: CacheKeyParts): string {
  const h = createHash("sha256");
  h.update(FORM);
  h.update("\u0000");
  h.update(p.surface);
  h.update("\u0000");
  h.update(p.scope);
  h.update("\u0000");
  h.update(p.model.name);
  h.update("\u0000");
  h.update(p.model.provider);
  h.update("\u0000");
  h.update(p.model.upstream);
  h.update("\u0000");
  h.update(p.prompt ?? "");
  h.update("\u0000");
  h.update(canonicalBody(p.body));
  return h.digest("hex");
}

/** The body without the excluded fields, as canonical JSON: object keys sorted at every depth. */
export function canonicalBody(body: Record<string, unknown>): string {
  const keys = Object.keys(body).filter((k) => !EXCLUDED.has(k) && body[k] !== undefined).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) {
    if (i > 0) out += ",";
    out += JSON.stringify(keys[i]) + ":" + canonicalJson(body[keys[i]]);
  }
  return out + "}";
}

/**
 * JSON with object keys sorted, so `{a,b}` and `{b,a}` hash alike. `undefined` members are
 * dropped as JSON.stringify drops them; `null` is kept (an explicit null is what was sent).
 */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i > 0 ? "," : "") + (v[i] === undefined ? "null" : canonicalJson(v[i]));
    return out + "]";
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  let out = "{";
  for (let i = 0; i < keys.length; i++) out += (i > 0 ? "," : "") + JSON.stringify(keys[i]) + ":" + canonicalJson(o[keys[i]]);
  return out + "}";
}

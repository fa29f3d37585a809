import type { ChatRequest } from "../api/chat-types.js";
import { countPromptTokens, countTextTokens } from "../tokens/count.js";
import type { ConditionConfig, RuleConfig } from "./route-schema.js";

/**
 * Conditional routing: rules on who calls and what the request looks like pick another route
 * (short autocomplete prompts → a small model; images → a vision model). A rule matches when all
 * its conditions hold. Pure: the facts are read from the request once, and the prompt's token
 * count — the one costly fact — only when a rule asks for it, at most once per request.
 */

/** What rules can see of one request. */
export interface RequestFacts {
  readonly feature: string | null;
  readonly user: string | null;
  readonly keyId: string | null;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly hasTools: boolean;
  readonly hasImages: boolean;
  /** Counted with gpt-tokenizer on first use. */
  promptTokens(): number;
}

export interface CompiledRule {
  readonly route: string;
  matches(f: RequestFacts): boolean;
}

export function compileRule(rule: RuleConfig): CompiledRule {
  const c: ConditionConfig = rule.when;
  const checks: ((f: RequestFacts) => boolean)[] = [];
  // cheap checks first: a rule that fails on the feature never counts tokens
  const feature = asSet(c.feature);
  if (feature) checks.push((f) => f.feature !== null && feature.has(f.feature));
  const user = asSet(c.user);
  if (user) checks.push((f) => f.user !== null && user.has(f.user));
  const key = asSet(c.key_id);
  if (key) checks.push((f) => f.keyId !== null && key.has(f.keyId));
  if (c.metadata) {
    const entries = Object.entries(c.metadata);
    checks.push((f) => entries.every(([k, v]) => f.metadata[k] === v));
  }
  if (c.has_tools !== undefined) checks.push((f) => f.hasTools === c.has_tools);
  if (c.has_images !== undefined) checks.push((f) => f.hasImages === c.has_images);
  if (c.min_prompt_tokens !== undefined) checks.push((f) => f.promptTokens() >= c.min_prompt_tokens!);
  if (c.max_prompt_tokens !== undefined) checks.push((f) => f.promptTokens() <= c.max_prompt_tokens!);
  return { route: rule.route, matches: (f) => checks.every((check) => check(f)) };
}

/** The route named by the first matching rule, or null. */
export function firstMatch(rules: readonly CompiledRule[], facts: RequestFacts): string | null {
  for (const r of rules) if (r.matches(facts)) return r.route;
  return null;
}

export interface Caller {
  readonly feature: string | null;
  readonly user: string | null;
  readonly keyId: string | null;
}

/** Facts of a chat request. `promptTokens`: the caller's own lazy count of this body (the gateway's request memo), if it has one. */
export function chatFacts(who: Caller, body: ChatRequest, promptTokens?: () => number): RequestFacts {
  return {
    // fields copied one by one: an object spread here measured ~100× slower (V8's slow path)
    feature: who.feature,
    user: who.user,
    keyId: who.keyId,
    metadata: body.metadata && typeof body.metadata === "object" ? body.metadata : {},
    hasTools: Array.isArray(body.tools) && body.tools.length > 0,
    hasImages: body.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p?.type === "image_url")),
    promptTokens: promptTokens ?? once(countPromptTokens, body),
  };
}

/** `count(of)`, taken on first use and kept. Outside the facts builders, so a caller passing its own count allocates no closure there. */
function once<T>(count: (of: T) => number, of: T): () => number {
  let n = -1;
  return () => (n >= 0 ? n : (n = count(of)));
}

/** Facts of an embeddings request: its input's tokens are the prompt. */
export function embeddingsFacts(who: Caller, body: { input: unknown; metadata?: unknown }, promptTokens?: () => number): RequestFacts {
  return {
    feature: who.feature,
    user: who.user,
    keyId: who.keyId,
    metadata: body.metadata && typeof body.metadata === "object" ? (body.metadata as Record<string, unknown>) : {},
    hasTools: false,
    hasImages: false,
    promptTokens: promptTokens ?? once(embeddingsInputTokens, body.input),
  };
}

function embeddingsInputTokens(input: unknown): number {
  const inputs = Array.isArray(input) ? input : [input];
  let n = 0;
  // token-id inputs are already tokens; strings are counted
  for (const x of inputs) n += typeof x === "string" ? countTextTokens(x) : Array.isArray(x) ? x.length : typeof x === "number" ? 1 : 0;
  return n;
}

function asSet(v: string | string[] | undefined): ReadonlySet<string> | null {
  return v === undefined ? null : new Set(typeof v === "string" ? [v] : v);
}

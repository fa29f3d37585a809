import { setFlagsFromString } from "node:v8";

/**
 * The one place the guard turns a string into a RegExp. Patterns assembled from templates (word
 * lists, shared fragments) are built with `pattern()`, which records them under a stable id; regex
 * literals need no registration because src/guard/regex-safety.test.ts reads them from the source
 * itself. That test fails on any `new RegExp` elsewhere under src/guard, so every pattern the guard
 * runs over request text is enumerated and checked for linear-time matching: a new one cannot be
 * forgotten.
 *
 * Operator-supplied patterns (tool-policy `deny_patterns`, JSON-schema `pattern`, keyword terms)
 * come from configuration or the request and cannot be vetted here; they are compiled by
 * `operatorPattern()`, counted apart, and documented as outside the linear-time guarantee.
 */

export interface RegisteredPattern {
  id: string;
  re: RegExp;
  /** Longest input the pattern is ever run on (a slice before a match, a cue window); unbounded when absent. */
  maxInput?: number;
}

const registry = new Map<string, RegisteredPattern>();

/** A guard pattern built from a template, registered under `id` (module.name) for the safety test. */
export function pattern(id: string, source: string, flags = "", opts: { maxInput?: number } = {}): RegExp {
  const re = new RegExp(source, flags);
  // Keyed by the pattern itself: a policy that extends a lexicon (toxicity extra_terms) adds a variant under the same id.
  registry.set(`${id}\u0000${re.flags}\u0000${re.source}`, { id, re, ...(opts.maxInput === undefined ? {} : { maxInput: opts.maxInput }) });
  return re;
}

/** Every pattern registered so far (modules register theirs when first imported). */
export function registeredPatterns(): readonly RegisteredPattern[] {
  return [...registry.values()];
}

/**
 * A pattern written by an operator or a client (tool policies, JSON schemas, keyword lists).
 * Not registered: its cost is the author's, and docs/guardrails.md says so.
 */
export function operatorPattern(source: string, flags = ""): RegExp {
  return new RegExp(source, flags);
}

/**
 * Regular expressions that cannot backtrack, for patterns Keel did not write and cannot vet: a
 * client's JSON-schema `pattern` runs over model output, so `^(a+)+$` would otherwise let one
 * request pin a core for hours (ReDoS).
 *
 * V8 ships a linear-time engine (no backtracking: no backreferences, lookarounds or `u`-mode
 * property escapes) behind a flag; the `l` flag selects it, and a pattern it cannot run throws at
 * construction. The second flag is a process-wide backstop: any regex that backtracks more than
 * BACKTRACKS_BEFORE_FALLBACK steps in one search and that the linear engine can run is re-run
 * there — same answer, bounded time. The flags are read when a regex is built or falls back, so
 * setting them at import covers every regex in the process, those compiled earlier included.
 *
 * V8's default limit (50 000) is far too low for Keel's own patterns, which are linear (tested in
 * regex-safety.test.ts) but count their backtracks over the whole search: a 48 KB body of
 * "ignore ignore …" crossed it, and the linear engine then took 2.7 s on the override signature's
 * alternations instead of ~1 ms (bench/guard-size.ts, hostile row). Five million still stops a
 * catastrophic pattern within tens of milliseconds.
 */
export const BACKTRACKS_BEFORE_FALLBACK = 5_000_000;
setFlagsFromString("--enable-experimental-regexp-engine");
setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");
setFlagsFromString(`--regexp-backtracks-before-fallback=${BACKTRACKS_BEFORE_FALLBACK}`);

const MAX_SOURCE = 1000;
const UNICODE_ONLY = /\\[pPu]\{/;

/** The pattern on the linear engine, or null when it needs backtracking features (or is too long, or invalid). */
export function linearPattern(source: string): RegExp | null {
  // JSON Schema patterns are `u`-mode; the linear engine has no `u` mode, so syntax whose meaning
  // differs without it (\p{…}, \P{…}, \u{…}) is refused rather than silently misread.
  if (source.length > MAX_SOURCE || UNICODE_ONLY.test(source)) return null;
  try {
    new RegExp(source, "u"); // valid as the client meant it
    return new RegExp(source, "l");
  } catch {
    return null;
  }
}

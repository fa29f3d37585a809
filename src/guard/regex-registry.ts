// Imported for its effect: it turns on V8's linear engine and the excessive-backtracking backstop for the whole process.
import "../json-schema/linear-pattern.js";

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

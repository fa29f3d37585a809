import { setFlagsFromString } from "node:v8";

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
 * src/guard/regex-safety.test.ts) but count their backtracks over the whole search: a 48 KB body
 * of "ignore ignore …" crossed it, and the linear engine then took 2.7 s on the override
 * signature's alternations instead of ~1 ms (bench/guard-size.ts, hostile row). Five million still
 * stops a catastrophic pattern within tens of milliseconds.
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

import { setFlagsFromString } from "node:v8";

/**
 * Regular expressions that cannot backtrack, for patterns Keel did not write and cannot vet: a
 * client's JSON-schema `pattern` runs over model output, so `^(a+)+$` would otherwise let one
 * request pin a core for hours (ReDoS).
 *
 * V8 ships a linear-time engine (no backtracking: no backreferences, lookarounds or `u`-mode
 * property escapes) behind a flag; the `l` flag selects it, and a pattern it cannot run throws at
 * construction. The second flag is a process-wide backstop: any regex that backtracks more than
 * V8's limit (50 000 steps in one search) and that the linear engine can run is re-run there —
 * same answer, bounded time. Both flags are read when a regex is built or falls back, so setting
 * them at import covers every regex in the process, those compiled earlier included.
 *
 * Known cost (bench/guard-size.ts, hostile row): the limit counts backtracks over a whole search,
 * so a long hostile body ("ignore ignore …", 48 KB and more) pushes the override signature over
 * it, and the linear engine then takes seconds on that signature's alternations. Raising the
 * limit fixes that case but lets patterns that are linear only thanks to the fallback backtrack
 * far longer first (regex-safety.test.ts went from 22 s to over 6 minutes at 200 000); the fix
 * is to make those patterns linear on the backtracking engine itself.
 */
setFlagsFromString("--enable-experimental-regexp-engine");
setFlagsFromString("--enable-experimental-regexp-engine-on-excessive-backtracks");

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

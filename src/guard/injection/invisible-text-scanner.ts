/**
 * Invisible-text smuggling, the one implementation behind both the policy engine's
 * `invisible_text` scanner (`guard/scanners/invisible-text-scanner.ts`, which adds options and
 * redaction) and this folder's evaluation stacks:
 * - Unicode tag characters (U+E0000–E007F) carry ASCII that people do not see and models read;
 * - bidi overrides make the displayed text differ from the text the model gets;
 * - zero-width characters split trigger words (alone they score `zeroWidthScore`, 0.3 by default,
 *   below the threshold: copy-pasted text holds them), and a run of `ZERO_WIDTH_RUN` or more
 *   carries bits ("sneaky bits");
 * - runs of variation selectors carry bytes, one per selector after a visible character ("emoji
 *   smuggling"); a run of the emoji presentation selectors alone does not count.
 * Findings carry spans (redaction deletes them) and never the hidden text.
 */
import { result } from "../scanners/definition.js";
import type { Finding, GuardSource, ScanInput, ScanResult, Scanner } from "../types.js";
import { EMOJI_SELECTORS, SELECTOR_RUN } from "./normalize.js";

/** A run of this many zero-width characters is an encoding, not typography. */
export const ZERO_WIDTH_RUN = 8;
/** What a zero-width character alone scores by default (below the default threshold). */
export const ZERO_WIDTH_SCORE = 0.3;

const RUNS: { re: RegExp; type: string; score: (run: string, zeroWidthScore: number) => number }[] = [
  { re: /[\u{E0000}-\u{E007F}]+/gu, type: "tag_characters", score: () => 0.95 },
  { re: /[\u202A-\u202E\u2066-\u2069]+/g, type: "bidi_override", score: () => 0.9 },
  { re: /[\u200B-\u200D\u2060-\u2064\uFEFF\u180E\u00AD\u034F\u115F\u1160\u3164\uFFA0]+/g, type: "zero_width", score: (run, zw) => (run.length >= ZERO_WIDTH_RUN ? Math.max(0.8, zw) : zw) },
  { re: SELECTOR_RUN, type: "variation_selectors", score: (run) => (EMOJI_SELECTORS.test(run) ? 0 : 0.8) },
];
const PRINTABLE_ASCII = /^[\x20-\x7e\n\r\t]*$/;

/** Every run of invisible characters in `text`, with its span and score (score-0 runs left out). */
export function findInvisible(text: string, zeroWidthScore = ZERO_WIDTH_SCORE): Finding[] {
  const findings: Finding[] = [];
  // Every character of interest is outside printable ASCII: most texts are done here.
  if (PRINTABLE_ASCII.test(text)) return findings;
  for (const { re, type, score } of RUNS) {
    for (const m of text.matchAll(re)) {
      const s = score(m[0], zeroWidthScore);
      if (s > 0) findings.push({ type, start: m.index, end: m.index + m[0].length, score: s });
    }
  }
  return findings;
}

export interface InvisibleTextScannerOptions {
  threshold?: number;
  zeroWidthScore?: number;
  sources?: readonly GuardSource[];
}

export function createInvisibleTextScanner(opts: InvisibleTextScannerOptions = {}): Scanner {
  const threshold = opts.threshold ?? 0.5;
  const zeroWidthScore = opts.zeroWidthScore ?? ZERO_WIDTH_SCORE;
  return {
    name: "invisible_text",
    cost: "fast",
    pure: true,
    large: "whole",
    sources: opts.sources ?? (["user", "document", "tool_result"] as const),
    scan(input: ScanInput): ScanResult {
      return result("invisible_text", findInvisible(input.text, zeroWidthScore), threshold);
    },
  };
}

export const invisibleTextScanner: Scanner = createInvisibleTextScanner();

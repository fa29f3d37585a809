/**
 * Invisible-text smuggling: Unicode tag characters (U+E0000–E007F) carry ASCII that people cannot
 * see but models read, and so do runs of variation selectors (one byte per selector); bidi overrides make the displayed text differ from the text the model
 * gets; runs of zero-width characters can encode bits. Any tag character or bidi control is
 * suspicious in a prompt; a few isolated zero-width joiners are normal (emoji sequences, Indic
 * scripts), so those count only in numbers.
 */
import type { Finding, GuardSource, ScanInput, ScanResult, Scanner } from "../types.js";
import { stripInvisible } from "./normalize.js";

/** Zero-width characters beyond this many per input look like an encoding, not typography. */
export const ZERO_WIDTH_LIMIT = 8;

export function judgeInvisible(text: string): { score: number; findings: Finding[]; hidden: string } {
  const r = stripInvisible(text);
  const findings: Finding[] = [];
  let score = 0;
  if (r.tags > 0) {
    score = Math.max(score, 0.95);
    findings.push({ type: "unicode_tags", score: 0.95 });
  }
  if (r.selectorRuns > 0) {
    score = Math.max(score, 0.9);
    findings.push({ type: "variation_selector_run", score: 0.9 });
  }
  if (r.bidi > 0) {
    score = Math.max(score, 0.7);
    findings.push({ type: "bidi_override", score: 0.7 });
  }
  if (r.invisible > ZERO_WIDTH_LIMIT) {
    score = Math.max(score, 0.6);
    findings.push({ type: "zero_width_run", score: 0.6 });
  }
  return { score, findings, hidden: r.smuggled };
}

export function createInvisibleTextScanner(opts: { threshold?: number; sources?: readonly GuardSource[] } = {}): Scanner {
  const threshold = opts.threshold ?? 0.5;
  return {
    name: "invisible_text",
    cost: "fast",
    pure: true,
    large: "whole",
    sources: opts.sources ?? (["user", "document", "tool_result"] as const),
    scan(input: ScanInput): ScanResult {
      const v = judgeInvisible(input.text);
      return { scanner: "invisible_text", score: v.score, triggered: v.score >= threshold, findings: v.findings };
    },
  };
}

export const invisibleTextScanner: Scanner = createInvisibleTextScanner();

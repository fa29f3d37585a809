import type { Finding, ScanContext, ScanInput, ScanResult, Scanner } from "../types.js";

/**
 * How much of one screened text the full scanners read (`guard.scan_budget`). A text up to
 * `max_chars` is read whole. A longer one is read in full only in its first `head_chars` and last
 * `tail_chars` — where instructions to a model sit in practice (the request, and the final
 * word) — and its middle is *skimmed*: each scanner that has a cheap linear pass (`Scanner.skim`:
 * the injection signatures in chunks, the structured PII patterns) runs it there, and scanners
 * marked `large: "whole"` (secrets, invisible text, size) read everything anyway. So a scanner's
 * cost per text is bounded by the windows plus a linear skim, whatever the body size.
 */
export interface ScanBudget {
  max_chars: number;
  head_chars: number;
  tail_chars: number;
}

/** What the budget did to one scan: for the verdict and the trace. */
export interface BudgetNote {
  /** The text was longer than `max_chars`: only the windows were read in full. */
  truncated: boolean;
  /** Characters read by the full scan (the whole text when not truncated). */
  scannedChars: number;
  /** Characters of the middle read by the scanner's skim pass (0 when it has none). */
  skimmedChars: number;
}

interface Piece {
  start: number;
  text: string;
}

/** Head and tail windows and the middle between them; cuts never split a surrogate pair. */
export function splitForBudget(text: string, b: ScanBudget): { head: Piece; middle: Piece; tail: Piece } | null {
  if (text.length <= b.max_chars) return null;
  let h = Math.min(b.head_chars, text.length);
  let t = Math.max(h, text.length - b.tail_chars);
  if (isLowSurrogate(text, h)) h++;
  if (isLowSurrogate(text, t)) t++;
  t = Math.max(h, t);
  return { head: { start: 0, text: text.slice(0, h) }, middle: { start: h, text: text.slice(h, t) }, tail: { start: t, text: text.slice(t) } };
}

const isLowSurrogate = (s: string, i: number): boolean => {
  const c = s.charCodeAt(i);
  return c >= 0xdc00 && c <= 0xdfff;
};

/**
 * Runs `scanner` on `input` under the budget: the result it would give on the whole text when
 * within budget, else the merge of its results on the windows and of its skim of the middle
 * (strongest score, any trigger, spans moved back to offsets in the whole text).
 */
export function scanWithBudget(scanner: Scanner, input: ScanInput, budget: ScanBudget | undefined, ctx?: ScanContext): { out: ScanResult | Promise<ScanResult>; note: BudgetNote } {
  const parts = budget && scanner.large !== "whole" ? splitForBudget(input.text, budget) : null;
  if (!parts) return { out: scanner.scan(input, ctx), note: { truncated: false, scannedChars: input.text.length, skimmedChars: 0 } };
  const runs: { start: number; r: ScanResult | Promise<ScanResult> }[] = [
    { start: parts.head.start, r: scanner.scan({ ...input, text: parts.head.text }, ctx) },
    { start: parts.tail.start, r: scanner.scan({ ...input, text: parts.tail.text }, ctx) },
  ];
  if (scanner.skim && parts.middle.text.length > 0) runs.push({ start: parts.middle.start, r: scanner.skim({ ...input, text: parts.middle.text }) });
  const note: BudgetNote = {
    truncated: true,
    scannedChars: parts.head.text.length + parts.tail.text.length,
    skimmedChars: scanner.skim ? parts.middle.text.length : 0,
  };
  const starts = runs.map((x) => x.start);
  const results = runs.map((x) => x.r);
  if (results.some((r) => r instanceof Promise)) return { out: Promise.all(results).then((rs) => merge(scanner.name, rs, starts)), note };
  return { out: merge(scanner.name, results as ScanResult[], starts), note };
}

function merge(name: string, rs: readonly ScanResult[], starts: readonly number[]): ScanResult {
  let score = 0;
  let triggered = false;
  const findings: Finding[] = [];
  rs.forEach((r, i) => {
    score = Math.max(score, r.score);
    triggered ||= r.triggered;
    for (const f of r.findings) findings.push(f.start === undefined ? f : { ...f, start: f.start + starts[i], end: (f.end ?? f.start) + starts[i] });
  });
  return { scanner: rs[0]?.scanner || name, score, triggered, findings };
}

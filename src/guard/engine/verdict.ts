import type { Finding, GuardAction, GuardSource, UnavailableReason } from "../types.js";

/** What one scanner said about one text, and what the policy made of it: recorded on the trace. */
export interface Verdict {
  scanner: string;
  source: GuardSource;
  /** Index of the screened message (input), choice (output) or tool call; -1 when not applicable. */
  index: number;
  score: number;
  triggered: boolean;
  /** The policy's action for this scanner; applied only when `triggered`. */
  action: GuardAction;
  latencyMs: number;
  /** Finding types and spans; never the matched text. */
  findings: Finding[];
  /** The scanner did not answer within the request's latency budget. */
  timedOut?: boolean;
  /** A heavy (model-based) scanner could not judge the text; `triggered` then says whether it fails closed. */
  unavailable?: UnavailableReason;
  /** The text was past the scan budget: read in full only in its head and tail windows (engine/scan-budget.ts). */
  truncated?: boolean;
  /** Characters read by the full scan, when truncated. */
  scannedChars?: number;
  /** Characters of the middle read by the scanner's cheap skim pass, when truncated. */
  skimmedChars?: number;
}

/** The compact form stored on a trace and returned by the admin API: no spans, no text. */
export interface VerdictRecord {
  scanner: string;
  source: GuardSource;
  score: number;
  triggered: boolean;
  action: GuardAction;
  latency_ms: number;
  findings?: string[];
  timed_out?: boolean;
  /** Set only when a model-based scanner could not judge the text: see Verdict. */
  unavailable?: UnavailableReason;
  /** Set only when the scan budget cut the text: see Verdict. */
  truncated?: boolean;
  scanned_chars?: number;
  skimmed_chars?: number;
}

export function toRecord(v: Verdict): VerdictRecord {
  const r: VerdictRecord = {
    scanner: v.scanner, source: v.source, score: round(v.score, 3), triggered: v.triggered, action: v.action, latency_ms: round(v.latencyMs, 3),
  };
  if (v.findings.length > 0) r.findings = [...new Set(v.findings.map((f) => f.type))];
  if (v.timedOut) r.timed_out = true;
  if (v.unavailable) r.unavailable = v.unavailable;
  if (v.truncated) Object.assign(r, { truncated: true, scanned_chars: v.scannedChars ?? 0, skimmed_chars: v.skimmedChars ?? 0 });
  return r;
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** The first verdict whose scanner triggered under a `block` action, if any. */
export function blocking(verdicts: readonly Verdict[]): Verdict | undefined {
  return verdicts.find((v) => v.triggered && v.action === "block");
}

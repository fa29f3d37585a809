/**
 * The guardrail extension point. A scanner looks at one text from one source and says how
 * suspicious it is; a policy (per route, key or feature) decides what each scanner's trigger does.
 */

/** What a policy does when a scanner triggers: refuse, mask, allow-and-record, or only record at debug level. */
export type GuardAction = "block" | "redact" | "flag" | "log";

/** Where a text came from: the trust boundary it crosses. */
export type GuardSource = "user" | "document" | "tool_result" | "output";

export interface ScanInput {
  text: string;
  source: GuardSource;
  /**
   * Earlier turns of the conversation (oldest first), for scanners that look across turns
   * (payload splitting, "deceptive delight"). Absent for single texts.
   */
  history?: readonly string[];
}

export interface Finding {
  /** e.g. "instruction_override", "EMAIL_ADDRESS", "aws_access_key". */
  type: string;
  /** Character span in the scanned text, when the finding has one (PII, secrets). */
  start?: number;
  end?: number;
  /** 0..1 confidence of this finding. */
  score: number;
}

export interface ScanResult {
  scanner: string;
  /** 0..1 overall suspicion. */
  score: number;
  /** score ≥ the scanner's threshold. */
  triggered: boolean;
  findings: Finding[];
  /** For scanners that can redact: the text with findings replaced by typed placeholders. */
  redacted?: string;
  /**
   * The scanner could not judge the text (a model-based detector timed out, failed, answered
   * something unreadable, or was skipped for lack of budget). The engine, not the scanner, then
   * decides the outcome from `Scanner.failure`.
   */
  unavailable?: UnavailableReason;
}

/** Why a scanner could not judge a text. */
export type UnavailableReason = "timeout" | "error" | "malformed" | "budget";

/** What the engine tells a scanner about the request it screens (async scanners use it). */
export interface ScanContext {
  /** Milliseconds left of the request's guard budget (`guard.budget_ms`) when the scan starts. */
  remainingMs: number;
  /** Aborted when the engine stops waiting for this scan (budget spent). */
  signal: AbortSignal;
  /** The screened request's id, when there is one (gateway calls; not `keel guard scan`). */
  requestId?: string;
}

export interface Scanner {
  readonly name: string;
  /**
   * fast scanners run on all traffic; heavy ones (model-based detectors) only where a policy names
   * them, after the fast ones, and only when no fast scanner already blocked the text.
   */
  readonly cost: "fast" | "heavy";
  /**
   * What a timeout, error or `unavailable` result of this scanner means: "open" (default) —
   * recorded, not triggered; "closed" — it triggers, so a `block` action refuses the call
   * (error `guard_unavailable`).
   */
  readonly failure?: "open" | "closed";
  /** Which sources this scanner is meant for. */
  readonly sources: readonly GuardSource[];
  /**
   * Its result depends on `text` and `source` alone — not on `history`, the time, a model or any
   * state — and it returns synchronously. The engine may then remember the result for the same
   * text from the same source and key (engine/scan-memo.ts, decision 0038). Absent: run every time.
   * The scanner contract suite checks the claim.
   */
  readonly pure?: boolean;
  scan(input: ScanInput, ctx?: ScanContext): ScanResult | Promise<ScanResult>;
  /**
   * A text longer than the scan budget (guard.scan_budget, engine/scan-budget.ts): "whole" —
   * the scanner is cheap and linear and reads all of it anyway; absent — it reads the head and
   * tail windows, and the middle only through `skim`.
   */
  readonly large?: "whole";
  /** A cheaper linear pass over the middle of an over-budget text; must cost O(length). */
  skim?(input: ScanInput): ScanResult;
}

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
}

export interface Scanner {
  readonly name: string;
  /** fast scanners run on all traffic; heavy ones only where a policy asks for them. */
  readonly cost: "fast" | "heavy";
  /** Which sources this scanner is meant for. */
  readonly sources: readonly GuardSource[];
  scan(input: ScanInput): ScanResult | Promise<ScanResult>;
  /**
   * A text longer than the scan budget (guard.scan_budget, engine/scan-budget.ts): "whole" —
   * the scanner is cheap and linear and reads all of it anyway; absent — it reads the head and
   * tail windows, and the middle only through `skim`.
   */
  readonly large?: "whole";
  /** A cheaper linear pass over the middle of an over-budget text; must cost O(length). */
  skim?(input: ScanInput): ScanResult;
}

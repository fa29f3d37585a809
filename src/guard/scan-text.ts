import { runScanners } from "./engine/run-scanners.js";
import { blocking, type Verdict } from "./engine/verdict.js";
import type { CompiledPolicy, GuardService } from "./policy/guard-service.js";
import { instantiate } from "./request-guard.js";
import { PlaceholderVault, type Span } from "./redaction/vault.js";
import { NO_FACTS } from "./scanners/definition.js";
import type { GuardAction, GuardSource } from "./types.js";

export interface ScanRequest {
  text: string;
  source: GuardSource;
  /** A named policy; default: the configured default for the stage the source belongs to. */
  policy?: string;
}

export interface ScanReport {
  policy: string;
  /** The strongest action that fired: block > redact > flag > log, or "allow". */
  action: GuardAction | "allow";
  blocked_by: string | null;
  verdicts: {
    scanner: string;
    score: number;
    triggered: boolean;
    action: GuardAction;
    latency_ms: number;
    findings: { type: string; start?: number; end?: number; score: number }[];
    timed_out?: boolean;
    /** A model-based scanner could not judge the text (timeout, error, malformed, budget). */
    unavailable?: string;
    /** Past the scan budget: the full scan read only `scanned_chars` (head and tail), the skim `skimmed_chars` of the middle. */
    truncated?: boolean;
    scanned_chars?: number;
    skimmed_chars?: number;
  }[];
  /** The text with `redact` findings replaced by placeholders, when any fired. */
  redacted?: string;
}

const RANK: Record<GuardAction | "allow", number> = { allow: 0, log: 1, flag: 2, redact: 3, block: 4 };

/**
 * Screens one text under one policy, as the gateway would: the engine behind
 * `POST /api/v1/guard/scan` and `keel guard scan`. Unknown policy names are the caller's error.
 */
export async function scanText(service: GuardService, req: ScanRequest): Promise<ScanReport> {
  const name = req.policy ?? ((req.source === "output" ? service.config.defaults.output : service.config.defaults.input) ?? (req.source === "output" ? "default-output" : "default-input"));
  const policy = service.policy(name);
  if (!policy) throw new RangeError(`no policy named "${name}"`);
  const verdicts = await runScanners(instantiate(policy, NO_FACTS), { text: req.text, source: req.source }, { budgetMs: service.config.budget_ms, scanBudget: service.config.scan_budget });
  let action: GuardAction | "allow" = "allow";
  for (const v of verdicts) if (v.triggered && RANK[v.action] > RANK[action]) action = v.action;
  const report: ScanReport = {
    policy: name,
    action,
    blocked_by: blocking(verdicts)?.scanner ?? null,
    verdicts: verdicts.map((v) => ({
      scanner: v.scanner, score: round(v.score), triggered: v.triggered, action: v.action, latency_ms: round(v.latencyMs),
      findings: v.findings.map((f) => ({ type: f.type, ...(f.start === undefined ? {} : { start: f.start, end: f.end }), score: round(f.score) })),
      ...(v.timedOut ? { timed_out: true } : {}),
      ...(v.unavailable ? { unavailable: v.unavailable } : {}),
      ...(v.truncated ? { truncated: true, scanned_chars: v.scannedChars ?? 0, skimmed_chars: v.skimmedChars ?? 0 } : {}),
    })),
  };
  const redacted = redactWith(policy, verdicts, req.text);
  if (redacted !== req.text) report.redacted = redacted;
  return report;
}

function redactWith(policy: CompiledPolicy, verdicts: readonly Verdict[], text: string): string {
  const spans: Span[] = [];
  for (const v of verdicts) {
    if (!v.triggered || v.action !== "redact") continue;
    const rule = policy.entries.find((e) => e.name === v.scanner)?.redaction;
    if (rule) for (const f of v.findings) if (f.start !== undefined && f.end !== undefined) spans.push({ start: f.start, end: f.end, ...rule(f) });
  }
  return spans.length ? new PlaceholderVault().redact(text, spans) : text;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

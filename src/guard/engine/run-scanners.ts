import type { GuardAction, ScanInput, ScanResult, Scanner } from "../types.js";
import { type BudgetNote, type ScanBudget, scanWithBudget } from "./scan-budget.js";
import type { Verdict } from "./verdict.js";

/** A scanner as a policy runs it: the instance, the action on trigger, and its own threshold if any. */
export interface PolicyScanner {
  scanner: Scanner;
  action: GuardAction;
  /** Overrides the scanner's own `triggered` when set: trigger at score ≥ threshold. */
  threshold?: number;
  /** For `redact` on PII: may the vault restore values in the output. */
  restore?: boolean;
}

export interface RunOptions {
  /** Time left for this request's screening; heavy scanners still running past it are abandoned. */
  budgetMs: number;
  /** Index recorded on each verdict (message or choice index). */
  index?: number;
  /** How much of a long text the full scanners read; absent: all of it. */
  scanBudget?: ScanBudget;
}

/**
 * Runs the scanners that apply to the input's source, all at once. Fast scanners are synchronous
 * and finish before anything awaits; heavy (async) ones race a timer set to the remaining budget,
 * and one that loses is recorded as `timedOut` (not triggered): the budget bounds added latency,
 * and a policy that must fail closed uses a fast scanner or its own `block` on a timeout signal.
 */
export async function runScanners(entries: readonly PolicyScanner[], input: ScanInput, opts: RunOptions): Promise<Verdict[]> {
  const index = opts.index ?? -1;
  const pending: Promise<Verdict>[] = [];
  const done: Verdict[] = [];
  const deadline = performance.now() + opts.budgetMs;
  for (const e of entries) {
    if (!e.scanner.sources.includes(input.source)) continue;
    const t0 = performance.now();
    let out: ScanResult | Promise<ScanResult>;
    let note: BudgetNote;
    try {
      ({ out, note } = scanWithBudget(e.scanner, input, opts.scanBudget));
    } catch {
      done.push(failed(e, input, index, t0));
      continue;
    }
    if (!(out instanceof Promise)) {
      done.push(noted(verdictOf(e, input, index, out, performance.now() - t0), note));
      continue;
    }
    pending.push(withBudget(out, deadline - performance.now()).then(
      (r) => noted(r === TIMEOUT ? timedOut(e, input, index, t0) : verdictOf(e, input, index, r, performance.now() - t0), note),
      () => failed(e, input, index, t0),
    ));
  }
  if (pending.length > 0) done.push(...(await Promise.all(pending)));
  return done;
}

const TIMEOUT = Symbol("timeout");

/** Only over-budget scans carry the budget fields, so ordinary verdicts (and traces) stay as they were. */
function noted(v: Verdict, note: BudgetNote): Verdict {
  if (note.truncated) Object.assign(v, { truncated: true, scannedChars: note.scannedChars, skimmedChars: note.skimmedChars });
  return v;
}

function withBudget<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMEOUT> {
  if (ms <= 0) return Promise.resolve(TIMEOUT);
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
    timer.unref?.();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function verdictOf(e: PolicyScanner, input: ScanInput, index: number, r: ScanResult, latencyMs: number): Verdict {
  const triggered = e.threshold === undefined ? r.triggered : r.score >= e.threshold;
  return { scanner: r.scanner || e.scanner.name, source: input.source, index, score: r.score, triggered, action: e.action, latencyMs, findings: r.findings };
}

function timedOut(e: PolicyScanner, input: ScanInput, index: number, t0: number): Verdict {
  return { scanner: e.scanner.name, source: input.source, index, score: 0, triggered: false, action: e.action, latencyMs: performance.now() - t0, findings: [], timedOut: true };
}

/** A scanner that throws is a bug in it, not a reason to fail the request: recorded, not triggered. */
function failed(e: PolicyScanner, input: ScanInput, index: number, t0: number): Verdict {
  return { scanner: e.scanner.name, source: input.source, index, score: 0, triggered: false, action: e.action, latencyMs: performance.now() - t0, findings: [{ type: "scanner_error", score: 0 }] };
}

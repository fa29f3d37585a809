import type { GuardAction, ScanInput, ScanResult, Scanner, UnavailableReason } from "../types.js";
import { type BudgetNote, type ScanBudget, scanWithBudget } from "./scan-budget.js";
import type { MemoSlot, ScanMemo } from "./scan-memo.js";
import { blocking, type Verdict } from "./verdict.js";

/** A scanner as a policy runs it: the instance, the action on trigger, and its own threshold if any. */
export interface PolicyScanner {
  scanner: Scanner;
  action: GuardAction;
  /** Overrides the scanner's own `triggered` when set: trigger at score ≥ threshold. */
  threshold?: number;
  /** For `redact` on PII: may the vault restore values in the output. */
  restore?: boolean;
  /** The instance is shared and `pure`: its result for a text may be remembered (ScanMemo). */
  memo?: boolean;
}

/** `block` and `redact` can change what the client gets; `flag` and `log` only record, so they may run after the response. */
export function changesAnswer(e: PolicyScanner): boolean {
  return e.action === "block" || e.action === "redact";
}

export interface RunOptions {
  /** Time left for this request's screening; heavy scanners still running past it are abandoned. */
  budgetMs: number;
  /** Index recorded on each verdict (message or choice index). */
  index?: number;
  /** How much of a long text the full scanners read; absent: all of it. */
  scanBudget?: ScanBudget;
  /** The screened request's id, handed to heavy scanners (their model calls are traced under it). */
  requestId?: string;
  /** Remembered results of pure scanners, and the scope (virtual key) they are remembered under. */
  memo?: ScanMemo;
  memoScope?: string;
}

/**
 * Runs the scanners that apply to the input's source in two tiers. Fast scanners run first (they
 * are synchronous, so they finish before anything awaits). Heavy scanners — model-based detectors
 * (cost "heavy") — start only after that, and only when no fast scanner has already blocked the
 * text: a refusal the fast tier can make costs no model call. Heavy scanners run in parallel with
 * each other, each racing a timer set to what is left of the budget; one that loses is recorded
 * as `timedOut` and its scan is told to stop (ScanContext.signal). A heavy scanner that times
 * out, throws or reports itself `unavailable` triggers only when it fails closed
 * (`Scanner.failure`), so each policy chooses whether an unavailable model refuses the call.
 */
export async function runScanners(entries: readonly PolicyScanner[], input: ScanInput, opts: RunOptions): Promise<Verdict[]> {
  const index = opts.index ?? -1;
  const pending: Promise<Verdict>[] = [];
  const done: Verdict[] = [];
  const heavy: PolicyScanner[] = [];
  const deadline = performance.now() + opts.budgetMs;
  let slot: MemoSlot | null | undefined;
  const start = (e: PolicyScanner): void => {
    const t0 = performance.now();
    if (e.memo && opts.memo) {
      if (slot === undefined) slot = opts.memo.slot(opts.memoScope ?? "", input.source, input.text);
      const m = slot && opts.memo.get(slot, e.scanner);
      if (m) {
        done.push(noted(verdictOf(e, input, index, m.out, performance.now() - t0), m.note));
        return;
      }
    }
    const remainingMs = deadline - t0;
    const stop = e.scanner.cost === "heavy" ? new AbortController() : null;
    let out: ScanResult | Promise<ScanResult>;
    let note: BudgetNote;
    try {
      const ctx = stop ? { remainingMs, signal: stop.signal, ...(opts.requestId ? { requestId: opts.requestId } : {}) } : undefined;
      ({ out, note } = scanWithBudget(e.scanner, input, opts.scanBudget, ctx));
    } catch {
      done.push(failed(e, input, index, t0, "error"));
      return;
    }
    if (!(out instanceof Promise)) {
      if (slot && e.memo) opts.memo!.put(slot, e.scanner, out, note);
      done.push(noted(verdictOf(e, input, index, out, performance.now() - t0), note));
      return;
    }
    pending.push(withBudget(out, remainingMs).then(
      (r) => {
        if (r !== TIMEOUT) return noted(verdictOf(e, input, index, r, performance.now() - t0), note);
        stop?.abort(new Error("guard budget spent"));
        return { ...failed(e, input, index, t0, "timeout"), timedOut: true };
      },
      () => failed(e, input, index, t0, "error"),
    ));
  };
  for (const e of entries) {
    if (!e.scanner.sources.includes(input.source)) continue;
    if (e.scanner.cost === "heavy") heavy.push(e);
    else start(e);
  }
  if (heavy.length > 0 && !blocking(done)) for (const e of heavy) start(e);
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
  if (ms <= 0) {
    p.catch(() => {}); // abandoned: its rejection is nobody's business
    return Promise.resolve(TIMEOUT);
  }
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<typeof TIMEOUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMEOUT), ms);
    timer.unref?.();
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

function verdictOf(e: PolicyScanner, input: ScanInput, index: number, r: ScanResult, latencyMs: number): Verdict {
  if (r.unavailable) {
    // Failure policy, not score, decides: a policy threshold must not turn fail-closed into fail-open.
    return { scanner: r.scanner || e.scanner.name, source: input.source, index, score: 0, triggered: e.scanner.failure === "closed", action: e.action, latencyMs, findings: r.findings, unavailable: r.unavailable };
  }
  const triggered = e.threshold === undefined ? r.triggered : r.score >= e.threshold;
  return { scanner: r.scanner || e.scanner.name, source: input.source, index, score: r.score, triggered, action: e.action, latencyMs, findings: r.findings };
}

/**
 * A scanner that throws (a bug in it) or does not answer within the budget. Recorded, and not
 * triggered unless the scanner fails closed: a fast scanner's bug is no reason to fail the request.
 */
function failed(e: PolicyScanner, input: ScanInput, index: number, t0: number, why: UnavailableReason): Verdict {
  const closed = e.scanner.failure === "closed";
  return {
    scanner: e.scanner.name, source: input.source, index, score: 0, triggered: closed, action: e.action, latencyMs: performance.now() - t0,
    findings: why === "timeout" ? [] : [{ type: "scanner_error", score: 0 }], ...(closed || e.scanner.cost === "heavy" ? { unavailable: why } : {}),
  };
}

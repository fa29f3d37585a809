/**
 * Runs a scanner stack over evaluation rows and returns metrics for the stack (a row counts as
 * flagged when any scanner triggers, as in a policy where each trigger blocks or flags) and, on
 * request, per scanner. The clock is passed in, so the runner is deterministic under test.
 */
import type { GuardSource, ScanResult, Scanner } from "../types.js";
import { type GroupBy, type GroupMetrics, groupOf, metricsByGroup, type OverDefence, overDefence, type WorstGroups, worstGroups } from "./groups.js";
import { computeMetrics, type Metrics, type Outcome } from "./metrics.js";
import type { EvalRow } from "./rows.js";

export interface EvalOptions {
  source: GuardSource;
  byScanner?: boolean;
  /** Per-group table of the stack, worst first (groups.ts). */
  groupBy?: GroupBy;
  /** Milliseconds, monotonic; defaults to performance.now. */
  now?: () => number;
}

export interface EvalReport extends Metrics {
  source: GuardSource;
  scanners: string[];
  by_scanner?: Record<string, Metrics>;
  group_by?: GroupBy;
  groups?: GroupMetrics[];
  worst?: WorstGroups;
  /** Present when some benign rows are trigger-word rows (family `…:trigger_word`). */
  over_defence?: OverDefence;
}

export async function runEval(rows: readonly EvalRow[], scanners: readonly Scanner[], opts: EvalOptions): Promise<EvalReport> {
  const now = opts.now ?? (() => performance.now());
  const active = scanners.filter((s) => s.sources.includes(opts.source));
  const stack: Outcome[] = [];
  const per = new Map<string, Outcome[]>(active.map((s) => [s.name, []]));
  for (const row of rows) {
    let any = false;
    let total = 0;
    for (const s of active) {
      const t0 = now();
      const r: ScanResult = await s.scan({ text: row.text, source: opts.source, history: row.history });
      const ms = now() - t0;
      total += ms;
      any ||= r.triggered;
      per.get(s.name)!.push({ label: row.label, triggered: r.triggered, ms });
    }
    stack.push({ label: row.label, triggered: any, ms: total });
  }
  const report: EvalReport = { ...computeMetrics(stack), source: opts.source, scanners: active.map((s) => s.name) };
  if (opts.byScanner) report.by_scanner = Object.fromEntries([...per].map(([name, o]) => [name, computeMetrics(o)]));
  if (opts.groupBy) {
    const by = opts.groupBy;
    report.group_by = by;
    report.groups = metricsByGroup(rows.map((r) => groupOf(r, by)), stack);
    report.worst = worstGroups(report.groups);
  }
  const od = overDefence(rows, stack);
  if (od) report.over_defence = od;
  return report;
}

import type { Logger } from "../observe/log.js";
import type { SqliteDb } from "../store/sqlite.js";
import type { BudgetPeriod } from "./budget-period.js";

/**
 * Budget events: a budget's spend crossed its soft threshold, or a call was first refused by it,
 * once per budget counter and period (across instances when counters are in Redis).
 *
 * This is the seam for alerting: today events are stored (`budget_events`, `GET /api/v1/budget-events`)
 * and logged at warn; an alerting sink (webhook, Slack, metrics) is one more `BudgetEventSink`.
 */
export interface BudgetEvent {
  readonly at: number;
  readonly kind: "soft_threshold" | "exhausted";
  /** The budget rule's name. */
  readonly budget: string;
  /** The attribute values of the counter, e.g. `{ team: "growth" }`. */
  readonly scope: Readonly<Record<string, string>>;
  readonly period: BudgetPeriod;
  /** `2026-11-29` or `2026-11`. */
  readonly periodId: string;
  readonly limitUsd: number;
  readonly spentUsd: number;
}

export interface BudgetEventSink {
  record(e: BudgetEvent): void;
}

export interface BudgetEventStore extends BudgetEventSink {
  list(q: { since?: number; limit: number }): BudgetEvent[];
}

interface Row {
  at: number; kind: BudgetEvent["kind"]; budget: string; scope: string; period: BudgetPeriod; period_id: string; limit_usd: number; spent_usd: number;
}

export class SqliteBudgetEventStore implements BudgetEventStore {
  private readonly insert;
  private readonly listStmt;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(
      `INSERT INTO budget_events (at, kind, budget, scope, period, period_id, limit_usd, spent_usd)
       VALUES (@at, @kind, @budget, @scope, @period, @period_id, @limit_usd, @spent_usd)`,
    );
    this.listStmt = db.prepare("SELECT * FROM budget_events WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?");
  }

  record(e: BudgetEvent): void {
    this.insert.run({
      at: e.at, kind: e.kind, budget: e.budget, scope: JSON.stringify(e.scope), period: e.period, period_id: e.periodId,
      limit_usd: e.limitUsd, spent_usd: e.spentUsd,
    });
  }

  list(q: { since?: number; limit: number }): BudgetEvent[] {
    return (this.listStmt.all(q.since ?? 0, q.limit) as Row[]).map((r) => ({
      at: r.at, kind: r.kind, budget: r.budget, scope: JSON.parse(r.scope) as Record<string, string>, period: r.period,
      periodId: r.period_id, limitUsd: r.limit_usd, spentUsd: r.spent_usd,
    }));
  }
}

/** Logs each event at warn: until alerting exists, the log line is what an operator greps for. */
export function logBudgetEvents(log: Logger): BudgetEventSink {
  return {
    record(e) {
      const what = e.kind === "soft_threshold" ? "budget soft threshold crossed" : "budget exhausted: calls are refused";
      log.warn(what, {
        budget: e.budget, scope: e.scope, period: e.period, period_id: e.periodId, limit_usd: e.limitUsd, spent_usd: round6(e.spentUsd),
      });
    },
  };
}

/**
 * Fans an event out to every sink after the current call stack, so recording never runs on a
 * request's path, and one failing sink does not starve the others.
 */
export function deferredSinks(sinks: readonly BudgetEventSink[], onError: (err: unknown) => void): BudgetEventSink {
  return {
    record(e) {
      setImmediate(() => {
        for (const s of sinks) {
          try {
            s.record(e);
          } catch (err) {
            onError(err);
          }
        }
      });
    },
  };
}

function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

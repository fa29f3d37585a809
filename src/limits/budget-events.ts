import type { Logger } from "../observe/log.js";
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

/** Recorded budget events. The contract is `budget-event-store.contract.ts`. */
export interface BudgetEventStore extends BudgetEventSink {
  /** Events at or after `since`, newest first (time, then insertion order), at most `limit`. */
  list(q: { since?: number; limit: number }): BudgetEvent[];
  /** How many events each budget has had, per kind (what `/metrics` exports), at most 1000 rows. */
  countsByBudget(): { budget: string; kind: BudgetEvent["kind"]; count: number }[];
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

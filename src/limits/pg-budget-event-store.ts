import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { BudgetEvent, BudgetEventStore } from "./budget-events.js";
import type { BudgetPeriod } from "./budget-period.js";

interface Row {
  at: number; kind: BudgetEvent["kind"]; budget: string; scope: string; period: BudgetPeriod; period_id: string; limit_usd: number; spent_usd: number;
}

/** `BudgetEventStore` on PostgreSQL. */
export class PgBudgetEventStore implements BudgetEventStore {
  constructor(private readonly db: PgSql) {}

  record(e: BudgetEvent): void {
    this.db.run(
      `INSERT INTO budget_events (at, kind, budget, scope, period, period_id, limit_usd, spent_usd) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [e.at, e.kind, e.budget, JSON.stringify(e.scope), e.period, e.periodId, e.limitUsd, e.spentUsd],
    );
  }

  list(q: { since?: number; limit: number }): BudgetEvent[] {
    return this.db.all<Row>("SELECT * FROM budget_events WHERE at >= $1 ORDER BY at DESC, id DESC LIMIT $2", [q.since ?? 0, q.limit]).map((r) => ({
      at: r.at, kind: r.kind, budget: r.budget, scope: JSON.parse(r.scope) as Record<string, string>, period: r.period,
      periodId: r.period_id, limitUsd: r.limit_usd, spentUsd: r.spent_usd,
    }));
  }

  countsByBudget(): { budget: string; kind: BudgetEvent["kind"]; count: number }[] {
    return this.db.all<{ budget: string; kind: BudgetEvent["kind"]; count: number }>(
      "SELECT budget, kind, count(*) AS count FROM budget_events GROUP BY budget, kind LIMIT 1000",
    );
  }
}

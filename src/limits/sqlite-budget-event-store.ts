import type { SqliteDb } from "../store/sqlite.js";
import type { BudgetEvent, BudgetEventStore } from "./budget-events.js";
import type { BudgetPeriod } from "./budget-period.js";

interface Row {
  at: number; kind: BudgetEvent["kind"]; budget: string; scope: string; period: BudgetPeriod; period_id: string; limit_usd: number; spent_usd: number;
}

export class SqliteBudgetEventStore implements BudgetEventStore {
  private readonly insert;
  private readonly listStmt;
  private readonly countsStmt;

  constructor(db: SqliteDb) {
    this.insert = db.prepare(
      `INSERT INTO budget_events (at, kind, budget, scope, period, period_id, limit_usd, spent_usd)
       VALUES (@at, @kind, @budget, @scope, @period, @period_id, @limit_usd, @spent_usd)`,
    );
    this.listStmt = db.prepare("SELECT * FROM budget_events WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?");
    this.countsStmt = db.prepare("SELECT budget, kind, count(*) AS count FROM budget_events GROUP BY budget, kind LIMIT 1000");
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

  countsByBudget(): { budget: string; kind: BudgetEvent["kind"]; count: number }[] {
    return this.countsStmt.all() as { budget: string; kind: BudgetEvent["kind"]; count: number }[];
  }
}

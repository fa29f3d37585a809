import type { SqliteDb } from "../../store/sqlite.js";
import type { SpendDimension, SpendGroup, SpendQuery, SpendRow, SpendStore, SpendTotals } from "./spend-types.js";

/** Dimension → column. The only names ever interpolated into SQL. */
const COLUMN: Record<SpendDimension, string> = { day: "day", key: "key_id", user: "user_id", team: "team", feature: "feature", model: "model" };

interface DbRow {
  day: string; key_id: string; user_id: string; team: string; feature: string; model: string;
  requests: number; tokens_in: number; tokens_out: number; cost_usd: number;
}

/**
 * `spend_daily`: one row per UTC day and (key, user, team, feature, model), added to by upsert.
 * Absent attributes are stored as '' (SQLite treats NULLs as distinct in keys) and read back as null.
 */
export class SqliteSpendStore implements SpendStore {
  private readonly upsert;
  private readonly sinceStmt;

  constructor(private readonly db: SqliteDb) {
    this.upsert = db.prepare(
      `INSERT INTO spend_daily (day, key_id, user_id, team, feature, model, requests, tokens_in, tokens_out, cost_usd)
       VALUES (@day, @key_id, @user_id, @team, @feature, @model, @requests, @tokens_in, @tokens_out, @cost_usd)
       ON CONFLICT (day, key_id, user_id, team, feature, model) DO UPDATE SET
         requests = requests + excluded.requests, tokens_in = tokens_in + excluded.tokens_in,
         tokens_out = tokens_out + excluded.tokens_out, cost_usd = cost_usd + excluded.cost_usd`,
    );
    this.sinceStmt = db.prepare("SELECT * FROM spend_daily WHERE day >= ?");
  }

  addBatch(rows: readonly SpendRow[]): void {
    this.db.transaction(() => {
      for (const r of rows) {
        this.upsert.run({
          day: r.day, key_id: r.keyId ?? "", user_id: r.user ?? "", team: r.team ?? "", feature: r.feature ?? "", model: r.model ?? "",
          requests: r.requests, tokens_in: r.tokensIn, tokens_out: r.tokensOut, cost_usd: r.costUsd,
        });
      }
    })();
  }

  query(q: SpendQuery): { groups: SpendGroup[]; total: SpendTotals } {
    const where: string[] = [];
    const params: string[] = [];
    if (q.since) { where.push("day >= ?"); params.push(q.since); }
    if (q.until) { where.push("day <= ?"); params.push(q.until); }
    for (const d of ["key", "user", "team", "feature", "model"] as const) {
      const v = q[d];
      if (v !== undefined) { where.push(`${COLUMN[d]} = ?`); params.push(v); }
    }
    const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const sums = "SUM(requests) AS requests, SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out, SUM(cost_usd) AS cost_usd";
    const total = this.db.prepare(`SELECT ${sums} FROM spend_daily ${filter}`).get(...params) as Partial<DbRow>;
    let groups: SpendGroup[] = [];
    if (q.by.length > 0) {
      const cols = q.by.map((d) => COLUMN[d]).join(", ");
      const order = q.by.includes("day") ? "day DESC, cost_usd DESC" : "cost_usd DESC";
      const rows = this.db.prepare(`SELECT ${cols}, ${sums} FROM spend_daily ${filter} GROUP BY ${cols} ORDER BY ${order} LIMIT ?`).all(...params, q.limit) as DbRow[];
      groups = rows.map((r) => {
        const by: SpendGroup["by"] = {};
        for (const d of q.by) by[d] = (r as unknown as Record<string, string>)[COLUMN[d]] || null;
        return { by, ...totals(r) };
      });
    }
    return { groups, total: totals(total) };
  }

  rowsSince(day: string): SpendRow[] {
    return (this.sinceStmt.all(day) as DbRow[]).map((r) => ({
      day: r.day, keyId: r.key_id || null, user: r.user_id || null, team: r.team || null, feature: r.feature || null, model: r.model || null,
      requests: r.requests, tokensIn: r.tokens_in, tokensOut: r.tokens_out, costUsd: r.cost_usd,
    }));
  }
}

function totals(r: Partial<DbRow>): SpendTotals {
  return { requests: r.requests ?? 0, tokensIn: r.tokens_in ?? 0, tokensOut: r.tokens_out ?? 0, costUsd: r.cost_usd ?? 0 };
}

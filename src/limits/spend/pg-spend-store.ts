import type { PgSql } from "../../store/postgres/pg-bridge.js";
import type { SpendDimension, SpendGroup, SpendQuery, SpendRow, SpendStore, SpendTotals } from "./spend-types.js";

/** Dimension → column. The only names ever interpolated into SQL. */
const COLUMN: Record<SpendDimension, string> = { day: "day", key: "key_id", user: "user_id", team: "team", feature: "feature", model: "model" };
const ATTRS = ["key", "user", "team", "feature", "model"] as const;

interface DbRow {
  day: string; key_id: string; user_id: string; team: string; feature: string; model: string;
  requests: number; tokens_in: number; tokens_out: number; cost_usd: number;
}

/**
 * The upsert of a batch as one statement (rows of one key summed first: one INSERT … ON CONFLICT may
 * not touch a row twice), or null for nothing to write: run on the bridge by `PgSpendStore`, and
 * without blocking by `postgresSinks` (storage/postgres-stores.ts).
 */
export function spendUpsert(rows: readonly SpendRow[]): { sql: string; params: unknown[] } | null {
  const merged = new Map<string, DbRow>();
  for (const r of rows) {
    const k: DbRow = {
      day: r.day, key_id: r.keyId ?? "", user_id: r.user ?? "", team: r.team ?? "", feature: r.feature ?? "", model: r.model ?? "",
      requests: r.requests, tokens_in: r.tokensIn, tokens_out: r.tokensOut, cost_usd: r.costUsd,
    };
    const id = JSON.stringify([k.day, k.key_id, k.user_id, k.team, k.feature, k.model]);
    const m = merged.get(id);
    if (m) {
      m.requests += k.requests; m.tokens_in += k.tokens_in; m.tokens_out += k.tokens_out; m.cost_usd += k.cost_usd;
    } else merged.set(id, k);
  }
  if (merged.size === 0) return null;
  const u = [...merged.values()];
  const col = <K extends keyof DbRow>(k: K): DbRow[K][] => u.map((r) => r[k]);
  return {
    sql: `INSERT INTO spend_daily (day, key_id, user_id, team, feature, model, requests, tokens_in, tokens_out, cost_usd)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::bigint[], $9::bigint[], $10::float8[])
       ON CONFLICT (day, key_id, user_id, team, feature, model) DO UPDATE SET
         requests = spend_daily.requests + excluded.requests, tokens_in = spend_daily.tokens_in + excluded.tokens_in,
         tokens_out = spend_daily.tokens_out + excluded.tokens_out, cost_usd = spend_daily.cost_usd + excluded.cost_usd`,
    params: [col("day"), col("key_id"), col("user_id"), col("team"), col("feature"), col("model"), col("requests"), col("tokens_in"), col("tokens_out"), col("cost_usd")],
  };
}

/**
 * `spend_daily` on PostgreSQL, as `SqliteSpendStore` keeps it: one row per UTC day and attribution,
 * absent attributes stored as '' and read back as null. A batch is one upsert.
 */
export class PgSpendStore implements SpendStore {
  constructor(private readonly db: PgSql) {}

  addBatch(rows: readonly SpendRow[]): void {
    const u = spendUpsert(rows);
    if (u) this.db.run(u.sql, u.params);
  }

  query(q: SpendQuery): { groups: SpendGroup[]; total: SpendTotals } {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.since) { params.push(q.since); where.push(`day >= $${params.length}`); }
    if (q.until) { params.push(q.until); where.push(`day <= $${params.length}`); }
    for (const d of ATTRS) {
      const v = q[d];
      if (v !== undefined) { params.push(v); where.push(`${COLUMN[d]} = $${params.length}`); }
    }
    const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
    const sums = "SUM(requests) AS requests, SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out, SUM(cost_usd) AS cost_usd";
    const total = this.db.get<Partial<DbRow>>(`SELECT ${sums} FROM spend_daily ${filter}`, params) ?? {};
    let groups: SpendGroup[] = [];
    if (q.by.length > 0) {
      const cols = q.by.map((d) => COLUMN[d]).join(", ");
      const order = q.by.includes("day") ? "day DESC, cost_usd DESC" : "cost_usd DESC";
      const rows = this.db.all<DbRow>(`SELECT ${cols}, ${sums} FROM spend_daily ${filter} GROUP BY ${cols} ORDER BY ${order} LIMIT $${params.length + 1}`, [...params, q.limit]);
      groups = rows.map((r) => {
        const by: SpendGroup["by"] = {};
        for (const d of q.by) by[d] = (r as unknown as Record<string, string>)[COLUMN[d]] || null;
        return { by, ...totals(r) };
      });
    }
    return { groups, total: totals(total) };
  }

  rowsSince(day: string): SpendRow[] {
    return this.db.all<DbRow>("SELECT * FROM spend_daily WHERE day >= $1", [day]).map((r) => ({
      day: r.day, keyId: r.key_id || null, user: r.user_id || null, team: r.team || null, feature: r.feature || null, model: r.model || null,
      requests: r.requests, tokensIn: r.tokens_in, tokensOut: r.tokens_out, costUsd: r.cost_usd,
    }));
  }
}

function totals(r: Partial<DbRow>): SpendTotals {
  return { requests: r.requests ?? 0, tokensIn: r.tokens_in ?? 0, tokensOut: r.tokens_out ?? 0, costUsd: r.cost_usd ?? 0 };
}

import type { PgSql } from "../../store/postgres/pg-bridge.js";
import type { ItemResult, RunRecord, RunStatus, RunStore } from "./run-types.js";
import type { RunSummary } from "./summary.js";
import type { TargetOutput } from "./target.js";

interface Row {
  id: string; name: string; status: string; dataset: string | null; dataset_version: number | null; config: string;
  started_at: number; ended_at: number | null; cost_usd: number; summary: string | null; metadata: string;
}

/** `RunStore` on PostgreSQL; a result batch is one INSERT (SQLite loops per row). */
export class PgRunStore implements RunStore {
  constructor(private readonly db: PgSql) {}

  insertRun(r: RunRecord): void {
    this.db.run(
      `INSERT INTO eval_runs (id, name, status, dataset, dataset_version, config, started_at, ended_at, cost_usd, summary, metadata)
       VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, 0, NULL, $8)`,
      [r.id, r.name, r.status, r.dataset, r.dataset_version, JSON.stringify(r.config), Date.parse(r.started_at), JSON.stringify(r.metadata)],
    );
  }

  appendResults(runId: string, results: readonly ItemResult[]): void {
    if (results.length === 0) return;
    // A re-sent result replaces the old row and takes a fresh `seq`, as SQLite's INSERT OR REPLACE takes a fresh rowid.
    // One batch never names a (item, repeat) twice in practice; keep the last one if it does (ON CONFLICT refuses duplicates within one INSERT).
    const last = new Map<string, ItemResult>();
    for (const r of results) last.set(`${r.item_id}\u0000${r.repeat}`, r);
    const rows = [...last.values()];
    const cost = results.reduce((n, r) => n + r.cost_usd, 0);
    this.db.transaction((tx) => {
      tx.run(
        `INSERT INTO eval_results (run_id, item_id, repeat, body)
         SELECT $1, u.item_id, u.repeat, u.body FROM unnest($2::text[], $3::bigint[], $4::text[]) WITH ORDINALITY AS u (item_id, repeat, body, n) ORDER BY u.n
         ON CONFLICT (run_id, item_id, repeat) DO UPDATE SET body = excluded.body, seq = excluded.seq`,
        [runId, rows.map((r) => r.item_id), rows.map((r) => r.repeat), rows.map((r) => JSON.stringify(r))],
      );
      tx.run("UPDATE eval_runs SET cost_usd = cost_usd + $1 WHERE id = $2", [cost, runId]);
    });
  }

  finishRun(runId: string, status: RunStatus, summary: RunSummary, costUsd: number, endedAt: string): boolean {
    return this.db.run("UPDATE eval_runs SET status = $1, summary = $2, cost_usd = $3, ended_at = $4 WHERE id = $5 AND status = 'running'", [
      status, JSON.stringify(summary), costUsd, Date.parse(endedAt), runId,
    ]) === 1;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.db.get<Row>("SELECT * FROM eval_runs WHERE id = $1", [id]);
    return row ? fromRow(row) : undefined;
  }

  listRuns(o: { limit: number; name?: string }): RunRecord[] {
    const rows = o.name
      ? this.db.all<Row>(`SELECT * FROM eval_runs WHERE name = $1 ORDER BY started_at DESC, id COLLATE "C" DESC LIMIT $2`, [o.name, o.limit])
      : this.db.all<Row>(`SELECT * FROM eval_runs ORDER BY started_at DESC, id COLLATE "C" DESC LIMIT $1`, [o.limit]);
    return rows.map(fromRow);
  }

  results(runId: string): ItemResult[] {
    return this.db.all<{ body: string }>("SELECT body FROM eval_results WHERE run_id = $1 ORDER BY repeat, seq", [runId]).map((r) => JSON.parse(r.body) as ItemResult);
  }

  cacheGet(key: string): TargetOutput | undefined {
    const row = this.db.get<{ body: string }>("SELECT body FROM eval_output_cache WHERE key = $1", [key]);
    return row ? (JSON.parse(row.body) as TargetOutput) : undefined;
  }

  cachePut(key: string, output: TargetOutput, at: number): void {
    this.db.run(
      "INSERT INTO eval_output_cache (key, body, created_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO UPDATE SET body = excluded.body, created_at = excluded.created_at",
      [key, JSON.stringify(output), at],
    );
  }
}

function fromRow(r: Row): RunRecord {
  return {
    id: r.id, name: r.name, status: r.status as RunStatus, dataset: r.dataset, dataset_version: r.dataset_version,
    config: JSON.parse(r.config) as RunRecord["config"], started_at: new Date(r.started_at).toISOString(),
    ended_at: r.ended_at === null ? null : new Date(r.ended_at).toISOString(), cost_usd: r.cost_usd,
    summary: r.summary === null ? null : (JSON.parse(r.summary) as RunSummary), metadata: JSON.parse(r.metadata) as Record<string, string>,
  };
}

import type { SqliteDb } from "../../store/sqlite.js";
import type { ItemResult, RunRecord, RunStatus, RunStore } from "./run-types.js";
import type { RunSummary } from "./summary.js";
import type { TargetOutput } from "./target.js";

interface Row {
  id: string; name: string; status: string; dataset: string | null; dataset_version: number | null; config: string;
  started_at: number; ended_at: number | null; cost_usd: number; summary: string | null; metadata: string;
}

export class SqliteRunStore implements RunStore {
  private readonly s;
  private readonly appendTx;

  constructor(private readonly db: SqliteDb) {
    this.s = {
      insert: db.prepare(
        `INSERT INTO eval_runs (id, name, status, dataset, dataset_version, config, started_at, ended_at, cost_usd, summary, metadata)
         VALUES (@id, @name, @status, @dataset, @dataset_version, @config, @started_at, NULL, 0, NULL, @metadata)`,
      ),
      result: db.prepare("INSERT OR REPLACE INTO eval_results (run_id, item_id, repeat, body) VALUES (?, ?, ?, ?)"),
      addCost: db.prepare("UPDATE eval_runs SET cost_usd = cost_usd + ? WHERE id = ?"),
      finish: db.prepare("UPDATE eval_runs SET status = ?, summary = ?, cost_usd = ?, ended_at = ? WHERE id = ? AND status = 'running'"),
      get: db.prepare("SELECT * FROM eval_runs WHERE id = ?"),
      results: db.prepare("SELECT body FROM eval_results WHERE run_id = ? ORDER BY repeat, rowid"),
      cacheGet: db.prepare("SELECT body FROM eval_output_cache WHERE key = ?"),
      cachePut: db.prepare("INSERT OR REPLACE INTO eval_output_cache (key, body, created_at) VALUES (?, ?, ?)"),
    };
    this.appendTx = db.transaction((runId: string, results: readonly ItemResult[]) => {
      let cost = 0;
      for (const r of results) {
        this.s.result.run(runId, r.item_id, r.repeat, JSON.stringify(r));
        cost += r.cost_usd;
      }
      this.s.addCost.run(cost, runId);
    });
  }

  insertRun(r: RunRecord): void {
    this.s.insert.run({
      id: r.id, name: r.name, status: r.status, dataset: r.dataset, dataset_version: r.dataset_version,
      config: JSON.stringify(r.config), started_at: Date.parse(r.started_at), metadata: JSON.stringify(r.metadata),
    });
  }

  appendResults(runId: string, results: readonly ItemResult[]): void {
    if (results.length > 0) this.appendTx(runId, results);
  }

  finishRun(runId: string, status: RunStatus, summary: RunSummary, costUsd: number, endedAt: string): boolean {
    return this.s.finish.run(status, JSON.stringify(summary), costUsd, Date.parse(endedAt), runId).changes === 1;
  }

  getRun(id: string): RunRecord | undefined {
    const row = this.s.get.get(id) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  listRuns(o: { limit: number; name?: string }): RunRecord[] {
    const rows = o.name
      ? this.db.prepare("SELECT * FROM eval_runs WHERE name = ? ORDER BY started_at DESC, id DESC LIMIT ?").all(o.name, o.limit)
      : this.db.prepare("SELECT * FROM eval_runs ORDER BY started_at DESC, id DESC LIMIT ?").all(o.limit);
    return (rows as Row[]).map(fromRow);
  }

  results(runId: string): ItemResult[] {
    return (this.s.results.all(runId) as { body: string }[]).map((r) => JSON.parse(r.body) as ItemResult);
  }

  cacheGet(key: string): TargetOutput | undefined {
    const row = this.s.cacheGet.get(key) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as TargetOutput) : undefined;
  }

  cachePut(key: string, output: TargetOutput, at: number): void {
    this.s.cachePut.run(key, JSON.stringify(output), at);
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

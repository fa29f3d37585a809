import type { PgSql } from "../../store/postgres/pg-bridge.js";
import type { DriftBaseline, DriftRun, DriftStore } from "./drift-store.js";

/** `DriftStore` on PostgreSQL: canary baselines per (model, prompt) and the run history. */
export class PgDriftStore implements DriftStore {
  constructor(private readonly db: PgSql) {}

  baselines(model: string): Map<string, DriftBaseline> {
    const rows = this.db.all<Omit<DriftBaseline, "scores"> & { scores: string }>(
      "SELECT model, prompt, answer, embedding, served, fingerprint, scores, at FROM drift_baselines WHERE model = $1",
      [model],
    );
    return new Map(rows.map((b) => [b.prompt, { ...b, scores: JSON.parse(b.scores) as Record<string, number> }]));
  }

  /** Upserts a model's baselines (one statement) and records the run, in one transaction. */
  record(run: DriftRun, baselines: readonly DriftBaseline[]): void {
    // Later baselines win within one call, as SQLite's per-row upsert has it (one INSERT … ON CONFLICT may not touch a row twice).
    const last = new Map(baselines.map((b) => [JSON.stringify([b.model, b.prompt]), b]));
    const u = [...last.values()];
    this.db.transaction((tx) => {
      if (u.length) {
        tx.run(
          `INSERT INTO drift_baselines (model, prompt, answer, embedding, served, fingerprint, scores, at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::bigint[])
           ON CONFLICT (model, prompt) DO UPDATE SET answer = excluded.answer, embedding = excluded.embedding, served = excluded.served,
             fingerprint = excluded.fingerprint, scores = excluded.scores, at = excluded.at`,
          [
            u.map((b) => b.model), u.map((b) => b.prompt), u.map((b) => b.answer), u.map((b) => b.embedding), u.map((b) => b.served),
            u.map((b) => b.fingerprint), u.map((b) => JSON.stringify(b.scores)), u.map((b) => b.at),
          ],
        );
      }
      tx.run("INSERT INTO drift_runs (at, model, drifted, body) VALUES ($1, $2, $3, $4)", [run.at, run.model, run.drifted, JSON.stringify(run.body)]);
    });
  }

  runs(since: number, until: number, onlyDrifted: boolean, limit = 1000): DriftRun[] {
    return this.db
      .all<{ at: number; model: string; drifted: boolean; body: string }>(
        "SELECT at, model, drifted, body FROM drift_runs WHERE at >= $1 AND at < $2 AND (NOT $3::boolean OR drifted) ORDER BY at DESC, id DESC LIMIT $4",
        [since, until, onlyDrifted, limit],
      )
      .map((r) => ({ at: r.at, model: r.model, drifted: r.drifted, body: JSON.parse(r.body) as Record<string, unknown> }));
  }
}

import type { SqliteDb } from "../../store/sqlite.js";
import type { DriftBaseline, DriftRun, DriftStore } from "./drift-store.js";

/** Canary baselines per (model, prompt) and the run history (migration 8). */
export class SqliteDriftStore implements DriftStore {
  private readonly s;

  constructor(private readonly db: SqliteDb) {
    this.s = {
      baselines: db.prepare("SELECT model, prompt, answer, embedding, served, fingerprint, scores, at FROM drift_baselines WHERE model = ?"),
      putBaseline: db.prepare(`INSERT INTO drift_baselines (model, prompt, answer, embedding, served, fingerprint, scores, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (model, prompt) DO UPDATE SET answer = excluded.answer, embedding = excluded.embedding, served = excluded.served, fingerprint = excluded.fingerprint, scores = excluded.scores, at = excluded.at`),
      addRun: db.prepare("INSERT INTO drift_runs (at, model, drifted, body) VALUES (?, ?, ?, ?)"),
      runs: db.prepare("SELECT at, model, drifted, body FROM drift_runs WHERE at >= ? AND at < ? AND (? = 0 OR drifted = 1) ORDER BY at DESC, id DESC LIMIT ?"),
    };
  }

  baselines(model: string): Map<string, DriftBaseline> {
    return new Map((this.s.baselines.all(model) as (Omit<DriftBaseline, "scores"> & { scores: string })[]).map((b) => [b.prompt, { ...b, scores: JSON.parse(b.scores) as Record<string, number> }]));
  }

  /** Replaces a model's baselines and records the run, in one transaction. */
  record(run: DriftRun, baselines: readonly DriftBaseline[]): void {
    this.db.transaction(() => {
      for (const b of baselines) this.s.putBaseline.run(b.model, b.prompt, b.answer, b.embedding, b.served, b.fingerprint, JSON.stringify(b.scores), b.at);
      this.s.addRun.run(run.at, run.model, run.drifted ? 1 : 0, JSON.stringify(run.body));
    })();
  }

  runs(since: number, until: number, onlyDrifted: boolean, limit = 1000): DriftRun[] {
    return (this.s.runs.all(since, until, onlyDrifted ? 1 : 0, limit) as { at: number; model: string; drifted: number; body: string }[])
      .map((r) => ({ at: r.at, model: r.model, drifted: r.drifted === 1, body: JSON.parse(r.body) as Record<string, unknown> }));
  }
}

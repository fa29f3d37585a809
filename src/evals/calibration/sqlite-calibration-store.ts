import type { SqliteDb } from "../../store/sqlite.js";
import type { CalibrationStore } from "./calibration-store.js";
import type { CalibrationRecord } from "./judge-calibration.js";
import { DEFAULT_RATER, type RatingRow } from "./ratings.js";

export class SqliteCalibrationStore implements CalibrationStore {
  private readonly s;
  private readonly putTx;

  constructor(private readonly db: SqliteDb) {
    this.s = {
      put: db.prepare("INSERT OR REPLACE INTO eval_ratings (set_name, rater, item_id, score, created_at) VALUES (?, ?, ?, ?, ?)"),
      get: db.prepare("SELECT item_id, rater, score FROM eval_ratings WHERE set_name = ? ORDER BY rater, item_id"),
      sets: db.prepare("SELECT set_name AS s, COUNT(*) AS n, COUNT(DISTINCT rater) AS r, COUNT(DISTINCT item_id) AS i FROM eval_ratings GROUP BY set_name ORDER BY set_name"),
      save: db.prepare("INSERT INTO eval_calibrations (judge, fingerprint, calibrated, created_at, body) VALUES (?, ?, ?, ?, ?)"),
    };
    this.putTx = db.transaction((set: string, rows: readonly RatingRow[], at: number) => {
      for (const r of rows) this.s.put.run(set, r.rater ?? DEFAULT_RATER, r.id, r.score, at);
    });
  }

  putRatings(set: string, rows: readonly RatingRow[], at: number): void {
    this.putTx(set, rows, at);
  }

  ratings(set: string): RatingRow[] {
    return (this.s.get.all(set) as { item_id: string; rater: string; score: number }[]).map((r) => ({ id: r.item_id, rater: r.rater, score: r.score }));
  }

  ratingSets(): { set: string; ratings: number; raters: number; items: number }[] {
    return (this.s.sets.all() as { s: string; n: number; r: number; i: number }[]).map((x) => ({ set: x.s, ratings: x.n, raters: x.r, items: x.i }));
  }

  saveCalibration(c: CalibrationRecord): void {
    this.s.save.run(c.judge, c.fingerprint, c.calibrated ? 1 : 0, Date.parse(c.created_at), JSON.stringify(c));
  }

  calibrations(o: { judge?: string; fingerprint?: string; limit: number }): CalibrationRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (o.judge) { where.push("judge = ?"); args.push(o.judge); }
    if (o.fingerprint) { where.push("fingerprint = ?"); args.push(o.fingerprint); }
    const sql = `SELECT body FROM eval_calibrations ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, o.limit) as { body: string }[]).map((r) => JSON.parse(r.body) as CalibrationRecord);
  }
}

import type { PgSql } from "../../store/postgres/pg-bridge.js";
import type { CalibrationStore } from "./calibration-store.js";
import type { CalibrationRecord } from "./judge-calibration.js";
import { DEFAULT_RATER, type RatingRow } from "./ratings.js";

/** `CalibrationStore` on PostgreSQL; a ratings upload is one INSERT. */
export class PgCalibrationStore implements CalibrationStore {
  constructor(private readonly db: PgSql) {}

  putRatings(set: string, rows: readonly RatingRow[], at: number): void {
    // Later rows win within one upload, as SQLite's per-row INSERT OR REPLACE does (one INSERT … ON CONFLICT may not touch a row twice).
    const last = new Map<string, RatingRow & { rater: string }>();
    for (const r of rows) {
      const rater = r.rater ?? DEFAULT_RATER;
      last.set(`${rater}\u0000${r.id}`, { ...r, rater });
    }
    if (last.size === 0) return;
    const u = [...last.values()];
    this.db.run(
      `INSERT INTO eval_ratings (set_name, rater, item_id, score, created_at)
       SELECT $1, u.rater, u.item_id, u.score, $2 FROM unnest($3::text[], $4::text[], $5::float8[]) AS u (rater, item_id, score)
       ON CONFLICT (set_name, rater, item_id) DO UPDATE SET score = excluded.score, created_at = excluded.created_at`,
      [set, at, u.map((r) => r.rater), u.map((r) => r.id), u.map((r) => r.score)],
    );
  }

  ratings(set: string): RatingRow[] {
    return this.db
      .all<{ item_id: string; rater: string; score: number }>(`SELECT item_id, rater, score FROM eval_ratings WHERE set_name = $1 ORDER BY rater COLLATE "C", item_id COLLATE "C"`, [set])
      .map((r) => ({ id: r.item_id, rater: r.rater, score: r.score }));
  }

  ratingSets(): { set: string; ratings: number; raters: number; items: number }[] {
    return this.db
      .all<{ s: string; n: number; r: number; i: number }>(
        `SELECT set_name AS s, COUNT(*) AS n, COUNT(DISTINCT rater) AS r, COUNT(DISTINCT item_id) AS i FROM eval_ratings GROUP BY set_name ORDER BY set_name COLLATE "C"`,
      )
      .map((x) => ({ set: x.s, ratings: x.n, raters: x.r, items: x.i }));
  }

  saveCalibration(c: CalibrationRecord): void {
    this.db.run("INSERT INTO eval_calibrations (judge, fingerprint, calibrated, created_at, body) VALUES ($1, $2, $3, $4, $5)", [
      c.judge, c.fingerprint, c.calibrated, Date.parse(c.created_at), JSON.stringify(c),
    ]);
  }

  calibrations(o: { judge?: string; fingerprint?: string; limit: number }): CalibrationRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (o.judge) { args.push(o.judge); where.push(`judge = $${args.length}`); }
    if (o.fingerprint) { args.push(o.fingerprint); where.push(`fingerprint = $${args.length}`); }
    args.push(o.limit);
    const sql = `SELECT body FROM eval_calibrations ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${args.length}`;
    return this.db.all<{ body: string }>(sql, args).map((r) => JSON.parse(r.body) as CalibrationRecord);
  }
}

import { randomBytes } from "node:crypto";
import { KeelError } from "../../errors/errors.js";
import type { PgSql } from "../../store/postgres/pg-bridge.js";
import { decodeCursor, encodeCursor } from "../../store/cursor.js";
import { type FalsePositiveQuery, fpKey, type GuardReviewStore, type NewReview, type ReviewFilter, type ReviewItem, type ReviewStatus } from "./review-store.js";

interface Row {
  id: string; trace_id: string; scanner: string; source: string; action: string; score: number; findings: string | null;
  model: string | null; route: string | null; trace_started_at: number; excerpt: string | null; note: string | null;
  marked_by: string; marked_at: number; status: ReviewStatus; resolved_by: string | null; resolved_at: number | null; resolution_note: string | null;
}

/**
 * The false-positive review list on PostgreSQL. A duplicate mark is `ON CONFLICT DO NOTHING` rather
 * than a caught unique violation: a failed statement would abort an enclosing transaction.
 */
export class PgGuardReviewStore implements GuardReviewStore {
  constructor(private readonly db: PgSql) {}

  mark(r: NewReview, now = Date.now()): ReviewItem {
    const id = `gfp_${randomBytes(8).toString("hex")}`;
    const row = this.db.get<Row>(
      `INSERT INTO guard_reviews (id, trace_id, scanner, source, action, score, findings, model, route, trace_started_at, excerpt, note, marked_by, marked_at, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'open')
       ON CONFLICT (trace_id, scanner, source) DO NOTHING RETURNING *`,
      [id, r.traceId, r.scanner, r.source, r.action, r.score, r.findings ? JSON.stringify(r.findings) : null, r.model, r.route, r.traceStartedAt, r.excerpt, r.note, r.markedBy, now],
    );
    if (!row) throw new KeelError("conflict", `The "${r.scanner}" verdict on ${r.source} of trace "${r.traceId}" is already marked as a false positive.`);
    return view(row);
  }

  get(id: string): ReviewItem | undefined {
    const row = this.db.get<Row>("SELECT * FROM guard_reviews WHERE id = $1", [id]);
    return row ? view(row) : undefined;
  }

  resolve(id: string, status: "confirmed" | "rejected", by: string, note: string | null, now = Date.now()): ReviewItem {
    const row = this.db.get<Row>(
      "UPDATE guard_reviews SET status = $1, resolved_by = $2, resolved_at = $3, resolution_note = $4 WHERE id = $5 AND status = 'open' RETURNING *",
      [status, by, now, note, id],
    );
    if (row) return view(row);
    const item = this.get(id);
    if (!item) throw new KeelError("not_found", `No review item with id "${id}".`, { param: "id" });
    throw new KeelError("conflict", `Review item "${id}" is already resolved (${item.status}).`);
  }

  list(f: ReviewFilter): { data: ReviewItem[]; nextCursor: string | null } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.status !== "all") { args.push(f.status); where.push(`status = $${args.length}`); }
    if (f.scanner) { args.push(f.scanner); where.push(`scanner = $${args.length}`); }
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      args.push(c.t, c.id);
      where.push(`(marked_at < $${args.length - 1} OR (marked_at = $${args.length - 1} AND id < $${args.length}))`);
    }
    args.push(f.limit + 1);
    const sql = `SELECT * FROM guard_reviews ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY marked_at DESC, id DESC LIMIT $${args.length}`;
    const rows = this.db.all<Row>(sql, args);
    const page = rows.slice(0, f.limit);
    const last = page.at(-1);
    return { data: page.map(view), nextCursor: rows.length > f.limit && last ? encodeCursor(last.marked_at, last.id) : null };
  }

  falsePositives(q: FalsePositiveQuery): Map<string, number> {
    const where = ["status IN ('open', 'confirmed')"];
    const args: unknown[] = [];
    if (q.since !== undefined) { args.push(q.since); where.push(`trace_started_at >= $${args.length}`); }
    if (q.until !== undefined) { args.push(q.until); where.push(`trace_started_at < $${args.length}`); }
    if (q.route) { args.push(q.route); where.push(`route = $${args.length}`); }
    if (q.scanner) { args.push(q.scanner); where.push(`scanner = $${args.length}`); }
    const rows = this.db.all<{ scanner: string; route: string | null; n: number }>(
      `SELECT scanner, route, COUNT(*) AS n FROM guard_reviews WHERE ${where.join(" AND ")} GROUP BY scanner, route`, args,
    );
    return new Map(rows.map((r) => [fpKey(r.scanner, r.route ?? ""), Number(r.n)]));
  }

  expireExcerptsBefore(ts: number): number {
    return this.db.run("UPDATE guard_reviews SET excerpt = NULL WHERE trace_started_at < $1 AND excerpt IS NOT NULL", [ts]);
  }
}

function view(r: Row): ReviewItem {
  const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());
  return {
    id: r.id, trace_id: r.trace_id, scanner: r.scanner, source: r.source, action: r.action, score: r.score,
    findings: r.findings === null ? null : (JSON.parse(r.findings) as string[]),
    model: r.model, route: r.route, trace_started_at: iso(r.trace_started_at)!, excerpt: r.excerpt, note: r.note,
    marked_by: r.marked_by, marked_at: iso(r.marked_at)!, status: r.status,
    resolved_by: r.resolved_by, resolved_at: iso(r.resolved_at), resolution_note: r.resolution_note,
  };
}

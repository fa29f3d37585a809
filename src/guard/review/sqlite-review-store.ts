import { randomBytes } from "node:crypto";
import { KeelError } from "../../errors/errors.js";
import type { SqliteDb } from "../../store/sqlite.js";
import { decodeCursor, encodeCursor } from "../../store/cursor.js";
import { type FalsePositiveQuery, fpKey, type GuardReviewStore, type NewReview, type ReviewFilter, type ReviewItem, type ReviewStatus } from "./review-store.js";

interface Row {
  id: string; trace_id: string; scanner: string; source: string; action: string; score: number; findings: string | null;
  model: string | null; route: string | null; trace_started_at: number; excerpt: string | null; note: string | null;
  marked_by: string; marked_at: number; status: ReviewStatus; resolved_by: string | null; resolved_at: number | null; resolution_note: string | null;
}

/**
 * The false-positive review list (migration 10): one row per trace, scanner and source. Items
 * copy what a reviewer needs from the trace when marked, so they outlive the trace's retention —
 * except the excerpt, which is dropped with the trace (`expireExcerptsBefore`).
 */
export class SqliteGuardReviewStore implements GuardReviewStore {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly resolveStmt;
  private readonly expireStmt;

  constructor(private readonly db: SqliteDb) {
    this.insertStmt = db.prepare(
      `INSERT INTO guard_reviews (id, trace_id, scanner, source, action, score, findings, model, route, trace_started_at, excerpt, note, marked_by, marked_at, status)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')`,
    );
    this.getStmt = db.prepare("SELECT * FROM guard_reviews WHERE id = ?");
    this.resolveStmt = db.prepare("UPDATE guard_reviews SET status = ?, resolved_by = ?, resolved_at = ?, resolution_note = ? WHERE id = ? AND status = 'open'");
    this.expireStmt = db.prepare("UPDATE guard_reviews SET excerpt = NULL WHERE trace_started_at < ? AND excerpt IS NOT NULL");
  }

  /** Throws `conflict` when this trace's verdict from this scanner and source is already on the list. */
  mark(r: NewReview, now = Date.now()): ReviewItem {
    const id = `gfp_${randomBytes(8).toString("hex")}`;
    try {
      this.insertStmt.run(id, r.traceId, r.scanner, r.source, r.action, r.score, r.findings ? JSON.stringify(r.findings) : null, r.model, r.route, r.traceStartedAt, r.excerpt, r.note, r.markedBy, now);
    } catch (err) {
      if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
        throw new KeelError("conflict", `The "${r.scanner}" verdict on ${r.source} of trace "${r.traceId}" is already marked as a false positive.`);
      }
      throw err;
    }
    return this.get(id)!;
  }

  get(id: string): ReviewItem | undefined {
    const row = this.getStmt.get(id) as Row | undefined;
    return row ? view(row) : undefined;
  }

  /** Settles an open item; throws `not_found` for an unknown id and `conflict` for one already resolved. */
  resolve(id: string, status: "confirmed" | "rejected", by: string, note: string | null, now = Date.now()): ReviewItem {
    const changed = this.resolveStmt.run(status, by, now, note, id).changes;
    const item = this.get(id);
    if (!item) throw new KeelError("not_found", `No review item with id "${id}".`, { param: "id" });
    if (changed === 0) throw new KeelError("conflict", `Review item "${id}" is already resolved (${item.status}).`);
    return item;
  }

  /** Newest marked first; the cursor is the last item's (marked_at, id). Throws RangeError on a bad cursor. */
  list(f: ReviewFilter): { data: ReviewItem[]; nextCursor: string | null } {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.status !== "all") { where.push("status = ?"); args.push(f.status); }
    if (f.scanner) { where.push("scanner = ?"); args.push(f.scanner); }
    if (f.cursor) {
      const c = decodeCursor(f.cursor);
      where.push("(marked_at < ? OR (marked_at = ? AND id < ?))");
      args.push(c.t, c.t, c.id);
    }
    const sql = `SELECT * FROM guard_reviews ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY marked_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, f.limit + 1) as Row[];
    const page = rows.slice(0, f.limit);
    const last = page.at(-1);
    return { data: page.map(view), nextCursor: rows.length > f.limit && last ? encodeCursor(last.marked_at, last.id) : null };
  }

  /** Open and confirmed marks per scanner and route, over traces started in the range: the figure next to a trigger rate. */
  falsePositives(q: FalsePositiveQuery): Map<string, number> {
    const where = ["status IN ('open', 'confirmed')"];
    const args: unknown[] = [];
    if (q.since !== undefined) { where.push("trace_started_at >= ?"); args.push(q.since); }
    if (q.until !== undefined) { where.push("trace_started_at < ?"); args.push(q.until); }
    if (q.route) { where.push("route = ?"); args.push(q.route); }
    if (q.scanner) { where.push("scanner = ?"); args.push(q.scanner); }
    const rows = this.db.prepare(`SELECT scanner, route, COUNT(*) AS n FROM guard_reviews WHERE ${where.join(" AND ")} GROUP BY scanner, route`).all(...args) as { scanner: string; route: string | null; n: number }[];
    return new Map(rows.map((r) => [fpKey(r.scanner, r.route ?? ""), Number(r.n)]));
  }

  /** Drops the excerpts of items whose trace has aged out: a review item keeps no text the trace store no longer holds. */
  expireExcerptsBefore(ts: number): number {
    return this.expireStmt.run(ts).changes;
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

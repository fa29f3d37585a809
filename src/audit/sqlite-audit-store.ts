import type { SqliteDb } from "../store/sqlite.js";
import { fromRow, type Row } from "./audit-rows.js";
import type { AuditEntry, AuditFilter, AuditHead, AuditStore } from "./types.js";

export class SqliteAuditStore implements AuditStore {
  private readonly stmts;
  private readonly appendTx;

  constructor(private readonly db: SqliteDb) {
    this.stmts = {
      head: db.prepare("SELECT seq, hash FROM audit_head WHERE id = 1"),
      insert: db.prepare(
        `INSERT INTO audit_log (seq, at, actor, role, action, target_type, target, before, after, reason, prev_hash, hash)
         VALUES (@seq, @at, @actor, @role, @action, @target_type, @target, @before, @after, @reason, @prev_hash, @hash)`,
      ),
      setHead: db.prepare("INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash"),
      scan: db.prepare("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"),
    };
    const append = db.transaction((seal: (head: AuditHead | null) => AuditEntry): AuditEntry => {
      const e = seal(this.head());
      this.stmts.insert.run({
        seq: e.seq, at: e.at, actor: e.actor, role: e.role, action: e.action, target_type: e.targetType, target: e.target,
        before: e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
        after: e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
        reason: e.reason, prev_hash: e.prevHash, hash: e.hash,
      });
      this.stmts.setHead.run(e.seq, e.hash);
      return e;
    });
    // Inside a caller's transaction (a prompt change and its audit row land together) a nested call
    // is a savepoint; on its own it takes the write lock first so two writers cannot fork the chain.
    this.appendTx = (seal: (head: AuditHead | null) => AuditEntry) => (db.inTransaction ? append(seal) : append.immediate(seal));
  }

  append(seal: (head: AuditHead | null) => AuditEntry): AuditEntry {
    return this.appendTx(seal);
  }

  head(): AuditHead | null {
    return (this.stmts.head.get() as AuditHead | undefined) ?? null;
  }

  scan(afterSeq: number, limit: number): AuditEntry[] {
    return (this.stmts.scan.all(afterSeq, limit) as Row[]).map(fromRow);
  }

  list(f: AuditFilter): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.since !== undefined) { where.push("at >= ?"); args.push(f.since); }
    if (f.until !== undefined) { where.push("at < ?"); args.push(f.until); }
    if (f.actor !== undefined) { where.push("actor = ?"); args.push(f.actor); }
    if (f.action !== undefined) {
      if (f.action.endsWith("*") || f.action.endsWith(".")) {
        where.push("substr(action, 1, ?) = ?");
        const prefix = f.action.replace(/\*$/, "");
        args.push(prefix.length, prefix);
      } else { where.push("action = ?"); args.push(f.action); }
    }
    if (f.targetType !== undefined) { where.push("target_type = ?"); args.push(f.targetType); }
    if (f.target !== undefined) { where.push("target = ?"); args.push(f.target); }
    if (f.beforeSeq !== undefined) { where.push("seq < ?"); args.push(f.beforeSeq); }
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as Row[]).map(fromRow);
  }
}

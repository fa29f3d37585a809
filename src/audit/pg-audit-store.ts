import type { PgSql } from "../store/postgres/pg-bridge.js";
import { fromRow, type Row } from "./audit-rows.js";
import type { AuditEntry, AuditFilter, AuditHead, AuditStore } from "./types.js";

/** Advisory-lock key of the audit chain ('audt'): one appender at a time across every instance. */
const CHAIN_LOCK = 0x61756474;

/**
 * The audit log in PostgreSQL. Several instances append at once, so `append` takes a
 * transaction-scoped advisory lock before it reads the head: the next appender, on any instance,
 * waits until this entry and its head commit, then chains onto it — the chain never forks.
 */
export class PgAuditStore implements AuditStore {
  constructor(private readonly db: PgSql) {}

  append(seal: (head: AuditHead | null) => AuditEntry): AuditEntry {
    return this.db.transaction((tx) => {
      tx.get("SELECT pg_advisory_xact_lock($1)", [CHAIN_LOCK]);
      const e = seal(tx.get<AuditHead>("SELECT seq, hash FROM audit_head WHERE id = 1") ?? null);
      tx.run(
        `INSERT INTO audit_log (seq, at, actor, role, action, target_type, target, before, after, reason, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          e.seq, e.at, e.actor, e.role, e.action, e.targetType, e.target,
          e.before === null || e.before === undefined ? null : JSON.stringify(e.before),
          e.after === null || e.after === undefined ? null : JSON.stringify(e.after),
          e.reason, e.prevHash, e.hash,
        ],
      );
      tx.run("INSERT INTO audit_head (id, seq, hash) VALUES (1, $1, $2) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash", [e.seq, e.hash]);
      return e;
    });
  }

  head(): AuditHead | null {
    return this.db.get<AuditHead>("SELECT seq, hash FROM audit_head WHERE id = 1") ?? null;
  }

  scan(afterSeq: number, limit: number): AuditEntry[] {
    return this.db.all<Row>("SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2", [afterSeq, limit]).map(fromRow);
  }

  list(f: AuditFilter): AuditEntry[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const p = (v: unknown): string => `$${args.push(v)}`;
    if (f.since !== undefined) where.push(`at >= ${p(f.since)}`);
    if (f.until !== undefined) where.push(`at < ${p(f.until)}`);
    if (f.actor !== undefined) where.push(`actor = ${p(f.actor)}`);
    if (f.action !== undefined) {
      if (f.action.endsWith("*") || f.action.endsWith(".")) {
        const prefix = f.action.replace(/\*$/, "");
        where.push(`left(action, ${p(prefix.length)}) = ${p(prefix)}`);
      } else where.push(`action = ${p(f.action)}`);
    }
    if (f.targetType !== undefined) where.push(`target_type = ${p(f.targetType)}`);
    if (f.target !== undefined) where.push(`target = ${p(f.target)}`);
    if (f.beforeSeq !== undefined) where.push(`seq < ${p(f.beforeSeq)}`);
    const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ${p(f.limit)}`;
    return this.db.all<Row>(sql, args).map(fromRow);
  }
}

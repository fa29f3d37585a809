import type { AuditEntry } from "./types.js";

/** An `audit_log` row as both backends read it. */
export interface Row {
  seq: number; at: number; actor: string; role: string | null; action: string; target_type: string; target: string;
  before: string | null; after: string | null; reason: string | null; prev_hash: string; hash: string;
}

/** A row → the entry (the SQLite and PostgreSQL audit stores share it). */
export function fromRow(r: Row): AuditEntry {
  return {
    seq: r.seq, at: r.at, actor: r.actor, role: r.role, action: r.action, targetType: r.target_type, target: r.target,
    before: r.before === null ? null : JSON.parse(r.before), after: r.after === null ? null : JSON.parse(r.after),
    reason: r.reason, prevHash: r.prev_hash, hash: r.hash,
  };
}

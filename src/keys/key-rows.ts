import type { KeyLimits } from "../limits/key-limits.js";
import type { KeyRole, VirtualKeyRecord } from "./types.js";

/** A `virtual_keys` row as both backends read it (JSON columns as text). */
export interface Row {
  id: string; name: string; hash: string; hint: string; models: string | null; user_id: string | null; team: string | null;
  created_at: number; expires_at: number | null; revoked_at: number | null; metadata: string; limits: string | null;
  role: string;
}

/** A row → the record (the SQLite and PostgreSQL key stores share it). */
export function fromRow(r: Row): VirtualKeyRecord {
  return {
    id: r.id, name: r.name, hash: r.hash, hint: r.hint, models: r.models ? (JSON.parse(r.models) as string[]) : null,
    user: r.user_id, team: r.team, createdAt: r.created_at, expiresAt: r.expires_at, revokedAt: r.revoked_at,
    metadata: JSON.parse(r.metadata) as Record<string, string>,
    limits: r.limits ? (JSON.parse(r.limits) as KeyLimits) : null,
    role: r.role as KeyRole,
  };
}

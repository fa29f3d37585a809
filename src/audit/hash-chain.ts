import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-json.js";
import type { AuditEntry, AuditHead } from "./types.js";

/** The `prev_hash` of the first row. */
export const GENESIS = "0".repeat(64);

/**
 * hash = SHA-256(prev_hash ‖ canonical row). Changing any field of a row changes its hash;
 * re-hashing it breaks the next row's link; deleting a row leaves a gap in `seq` (and a broken
 * link). Only the head, kept apart from the rows, tells that the newest rows were deleted.
 */
export function entryHash(prevHash: string, e: Omit<AuditEntry, "hash" | "prevHash">): string {
  const row = {
    seq: e.seq, at: e.at, actor: e.actor, role: e.role, action: e.action, target_type: e.targetType, target: e.target,
    before: e.before ?? null, after: e.after ?? null, reason: e.reason ?? null,
  };
  return createHash("sha256").update(prevHash).update(canonicalJson(row)).digest("hex");
}

export interface ChainProblem {
  /** The row at fault (for a deletion, the first missing seq). */
  seq: number;
  kind: "changed" | "deleted";
  detail: string;
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** The newest row seen: publish its hash elsewhere to anchor the chain. */
  last: AuditHead | null;
  problems: ChainProblem[];
}

/** Checks a chain in seq order, from the first row. Reports every problem, each at the row it concerns. */
export function verifyChain(entries: Iterable<AuditEntry>, head: AuditHead | null = null): ChainReport {
  const problems: ChainProblem[] = [];
  let prevSeq = 0;
  let prevHash = GENESIS;
  let checked = 0;
  for (const e of entries) {
    checked++;
    if (e.seq !== prevSeq + 1) {
      const last = e.seq - 1;
      problems.push({ seq: prevSeq + 1, kind: "deleted", detail: last === prevSeq + 1 ? `row ${last} is missing` : `rows ${prevSeq + 1}–${last} are missing` });
    } else if (e.prevHash !== prevHash) {
      problems.push({ seq: prevSeq, kind: "changed", detail: `row ${prevSeq} no longer has the hash row ${e.seq} chained on: it was altered and re-hashed` });
    }
    if (entryHash(e.prevHash, e) !== e.hash) problems.push({ seq: e.seq, kind: "changed", detail: `row ${e.seq} does not match its hash: it was altered` });
    prevSeq = e.seq;
    prevHash = e.hash;
  }
  if (head) {
    if (head.seq > prevSeq) {
      problems.push({ seq: prevSeq + 1, kind: "deleted", detail: head.seq === prevSeq + 1 ? `row ${head.seq} (the newest) is missing` : `rows ${prevSeq + 1}–${head.seq} (the newest) are missing` });
    } else if (head.seq === prevSeq && head.hash !== prevHash) {
      problems.push({ seq: prevSeq, kind: "changed", detail: `row ${prevSeq} (the newest) was altered and re-hashed` });
    }
  }
  problems.sort((a, b) => a.seq - b.seq);
  return { ok: problems.length === 0, checked, last: checked === 0 ? null : { seq: prevSeq, hash: prevHash }, problems };
}

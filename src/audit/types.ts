/** One change, as a caller reports it. */
export interface AuditInput {
  /** Who: the `x-keel-actor` the admin API was given, else the role ("admin"); "keel" for Keel's own acts. */
  actor: string;
  /** The credential's role: "admin", "editor", or null for Keel itself. */
  role: string | null;
  /** What, as `domain.thing.verb`: `prompt.label.set`, `key.revoked`, `config.changed`. */
  action: string;
  targetType: string;
  target: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

/** A row of the log: the change, when, and its link in the hash chain. */
export interface AuditEntry {
  seq: number;
  at: number;
  actor: string;
  role: string | null;
  action: string;
  targetType: string;
  target: string;
  before: unknown;
  after: unknown;
  reason: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditHead {
  seq: number;
  hash: string;
}

export interface AuditFilter {
  since?: number;
  until?: number;
  actor?: string;
  /** Exact action, or a prefix ending in `.` or `*` (`prompt.` / `prompt.*`). */
  action?: string;
  targetType?: string;
  target?: string;
  limit: number;
  /** Entries with seq below this (the previous page's last seq). */
  beforeSeq?: number;
}

/**
 * Storage for the audit log. `append` must be atomic against other writers: it reads the head,
 * lets `seal` build the entry (which hashes in the head's hash), inserts it and moves the head in
 * one write transaction, so the chain never forks.
 */
export interface AuditStore {
  append(seal: (head: AuditHead | null) => AuditEntry): AuditEntry;
  list(filter: AuditFilter): AuditEntry[];
  /** Entries in seq order starting after `afterSeq`, at most `limit`. */
  scan(afterSeq: number, limit: number): AuditEntry[];
  /** The last appended entry's seq and hash, kept apart from the rows (catches deleting the newest rows). */
  head(): AuditHead | null;
}

/** What a domain service needs to put its changes on the record. */
export interface AuditSink {
  record(input: AuditInput): AuditEntry;
}

/** Messages between the main thread's `PgBridge` and its worker (`pg-worker.ts`). */

export interface PgWorkerData {
  url: string;
  /** Connections in the worker's pool. */
  poolMax: number;
  /** Seconds the driver waits for a connection to open. */
  connectTimeoutS: number;
  /** `search_path` for every connection (tests use a schema of their own). */
  schema?: string;
  /**
   * Two Int32 slots. [0]: the flag the worker raises (and notifies) after each answer on the
   * synchronous port. [1]: the server's state as the worker last saw it, `STORE_UP` or
   * `STORE_DOWN`, so callers fail at once while it is down instead of each waiting out a deadline.
   */
  flag: SharedArrayBuffer;
}

/** Slot 1 of the shared flags: the last statement found the server there (or none has run yet). */
export const STORE_UP = 0;
/** Slot 1: a connection to the server failed; the worker probes until one succeeds. */
export const STORE_DOWN = 1;

export type PgOp =
  /** One statement with $1… parameters, prepared and cached per connection; rows come back. */
  | { op: "query"; sql: string; params: readonly unknown[]; conn?: number }
  /** Statements without parameters (several allowed; the simple protocol), e.g. a migration. */
  | { op: "exec"; sql: string; conn?: number }
  /**
   * `COPY … FROM STDIN` (text format) fed with `data`, lines already escaped (`copyText`); answers
   * the rows the server stored.
   */
  | { op: "copy"; sql: string; data: string; conn?: number }
  /** Pins one pooled connection (for a transaction or a session lock); answers its handle. */
  | { op: "reserve" }
  | { op: "release"; conn: number }
  | { op: "close" };

export interface PgRequest {
  id: number;
  req: PgOp;
  /**
   * Epoch ms after which the caller no longer waits: the worker does not start the work, and a
   * connection it reserves too late goes straight back to the pool (else it would leak).
   */
  deadline?: number;
}

export interface PgRows {
  rows: Record<string, unknown>[];
  count: number;
}

export type PgReply =
  | { id: number; ok: true; value: PgRows | number | null }
  | { id: number; ok: false; message: string; code?: string; unavailable: boolean };

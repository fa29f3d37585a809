/** Messages between the main thread's `PgBridge` and its worker (`pg-worker.ts`). */

export interface PgWorkerData {
  url: string;
  /** Connections in the worker's pool. */
  poolMax: number;
  /** Seconds the driver waits for a connection to open. */
  connectTimeoutS: number;
  /** `search_path` for every connection (tests use a schema of their own). */
  schema?: string;
  /** Int32 flag the worker raises (and notifies) after each answer on the synchronous port. */
  flag: SharedArrayBuffer;
}

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

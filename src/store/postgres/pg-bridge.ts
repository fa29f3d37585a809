import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from "node:worker_threads";
import { KeelError } from "../../errors/errors.js";
import { siblingUrl, startWorker } from "../worker-channel.js";
import { STORE_DOWN, type PgOp, type PgReply, type PgRequest, type PgRows } from "./pg-protocol.js";
import { maskStoreUrl, parsePostgresUrl } from "./pg-url.js";

export interface PgBridgeOptions {
  url: string;
  /** Pool size (default 10): the most connections this process opens. */
  poolMax?: number;
  /** Longest a synchronous call blocks before it fails with `store_unavailable` (default 5000). */
  timeoutMs?: number;
  /** Longest an awaited call (a trace batch, an analytics read) waits (default 6 × timeoutMs). */
  asyncTimeoutMs?: number;
  /** Seconds to open a connection (default 3). */
  connectTimeoutS?: number;
  /** `search_path` for every connection; tests give each suite a schema of its own. */
  schema?: string;
}

/** A statement failed in PostgreSQL (a constraint, a syntax error); `code` is its SQLSTATE. */
export class PgQueryError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = "PgQueryError";
  }
}

/** What a store runs statements on: the pool, or one reserved connection inside a transaction. */
export interface PgSql {
  /** Rows of one statement with `$1…` parameters (prepared and cached per connection). */
  all<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): T[];
  /** The first row, or undefined. */
  get<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): T | undefined;
  /** Rows affected. */
  run(sql: string, params?: readonly unknown[]): number;
  /** Several statements without parameters (a migration, DDL). */
  exec(sql: string): void;
  /** `COPY … FROM STDIN` fed with text-format lines (`copyText`); rows stored. */
  copy(sql: string, data: string): number;
  /**
   * `fn` inside one transaction on one reserved connection: committed when it returns, rolled back
   * when it throws. Nested calls use a savepoint.
   */
  transaction<T>(fn: (tx: PgSql) => T): T;
  /** `fn` on one reserved connection outside a transaction (session locks, a migration run). */
  session<T>(fn: (conn: PgSql) => T): T;
}

/** A `transactionAsync` body's connection: statements and COPY, without blocking. */
export interface PgAsyncConn {
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  all<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  copy(sql: string, data: string): Promise<number>;
}

/**
 * PostgreSQL for Keel's synchronous store interfaces (decision 0031). The driver (`postgres`) runs
 * on its own thread with a bounded pool; a store call posts its statement and blocks this thread on
 * an `Atomics.wait` until the answer is there, as a SQLite call blocks on its file. The hot path
 * calls no store (keys, prompts and routes are in-memory snapshots), so only admin writes, start-up
 * loads and a few request-time reads (a stored response) wait on a round trip; trace batches use
 * `async*`, which never blocks. A call that gets no answer in `timeoutMs`, or finds the server
 * gone, throws `store_unavailable` (503).
 */
export class PgBridge implements PgSql {
  readonly maskedUrl: string;
  private worker!: Worker;
  private port!: MessagePort;
  private flag!: Int32Array;
  private readonly workerData: { url: string; poolMax: number; connectTimeoutS: number; schema?: string };
  private closing = false;
  private spawnedAt = 0;
  private timeoutMs: number;
  private readonly asyncTimeoutMs: number;
  private nextId = 1;
  /** Reservations whose caller timed out: if the handle still arrives, it goes back to the pool. */
  private readonly abandoned = new Set<number>();
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited: Error | null = null;
  /** The driver's message for the failure that marked the server down, repeated while it is. */
  private lastDown = "";
  private readonly root: PgSql;
  private active: PgSql | null = null;

  constructor(o: PgBridgeOptions) {
    parsePostgresUrl(o.url);
    this.maskedUrl = maskStoreUrl(o.url);
    this.timeoutMs = o.timeoutMs ?? 5000;
    this.asyncTimeoutMs = o.asyncTimeoutMs ?? this.timeoutMs * 6;
    this.workerData = { url: o.url, poolMax: o.poolMax ?? 10, connectTimeoutS: o.connectTimeoutS ?? 3, schema: o.schema };
    this.spawn();
    this.root = this.connection(undefined);
  }

  /**
   * Starts the driver's thread. Should it ever end other than by `close()`, calls waiting on it fail
   * with `store_unavailable` and a new one takes its place, so the store comes back by itself
   * rather than staying closed until a restart.
   */
  private spawn(): void {
    this.spawnedAt = Date.now();
    const sab = new SharedArrayBuffer(8);
    this.flag = new Int32Array(sab);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const worker = startWorker(siblingUrl(import.meta.url, "pg-worker"), { ...this.workerData, flag: sab, syncPort: port2 }, undefined, [port2]);
    this.worker = worker;
    worker.on("message", (m: PgReply) => {
      const p = this.pending.get(m.id);
      if (!p) {
        this.late(m);
        return;
      }
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.ok) p.resolve(m.value);
      else p.reject(this.errorOf(m));
    });
    let ended = false;
    const end = (err: Error): void => {
      if (ended) return;
      ended = true;
      if (this.closing || this.exited) {
        this.fail(err);
        return;
      }
      for (const p of this.pending.values()) p.reject(new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl}: ${err.message}; restarting its connection thread`));
      this.pending.clear();
      this.abandoned.clear();
      this.active = null;
      // A thread that keeps dying is restarted at most once a second.
      const wait = Math.max(0, this.spawnedAt + 1000 - Date.now());
      if (wait === 0) this.spawn();
      else setTimeout(() => this.exited || this.spawn(), wait).unref();
    };
    worker.on("error", (err) => end(err));
    worker.on("exit", (code) => end(new Error(`PostgreSQL worker exited with code ${code}`)));
    // Neither the worker nor its ports keep the process alive: `close()` ends them, and a process
    // that is done must not hang on an idle pool.
    worker.unref();
    this.port.unref();
  }

  all<T>(sql: string, params: readonly unknown[] = []): T[] {
    return this.current().all<T>(sql, params);
  }
  get<T>(sql: string, params: readonly unknown[] = []): T | undefined {
    return this.current().get<T>(sql, params);
  }
  run(sql: string, params: readonly unknown[] = []): number {
    return this.current().run(sql, params);
  }
  exec(sql: string): void {
    this.current().exec(sql);
  }
  copy(sql: string, data: string): number {
    return this.current().copy(sql, data);
  }
  /**
   * While `fn` runs, every synchronous call on this bridge — from any store built on it — goes to
   * the transaction's connection, as every SQLite store shares one connection: a prompt change and
   * its audit entry commit together (`PromptStore.atomically`). A call inside is a savepoint.
   */
  transaction<T>(fn: (tx: PgSql) => T): T {
    if (this.active) return this.active.transaction(fn);
    return this.root.transaction((tx) => {
      this.active = tx;
      try {
        return fn(tx);
      } finally {
        this.active = null;
      }
    });
  }
  session<T>(fn: (conn: PgSql) => T): T {
    return this.current().session(fn);
  }

  /**
   * `fn` with every synchronous call on this bridge allowed `ms` instead of `timeoutMs`: start-up
   * work that is not on a request's path — creating the schema, waiting for another instance's
   * migration lock, running a migration that rebuilds an index — may take far longer than a store
   * call a request waits for should.
   */
  withCallTimeout<T>(ms: number, fn: () => T): T {
    const before = this.timeoutMs;
    this.timeoutMs = ms;
    try {
      return fn();
    } finally {
      this.timeoutMs = before;
    }
  }

  /** Inside `transaction`: its connection; otherwise the pool. */
  private current(): PgSql {
    return this.active ?? this.root;
  }

  /** Rows of one statement, without blocking: the trace writer's and the analytics reads' path. */
  async allAsync<T = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const r = (await this.callAsync({ op: "query", sql, params: params.map(param) })) as PgRows;
    return r.rows as T[];
  }

  /** Rows affected by one statement, without blocking. */
  async runAsync(sql: string, params: readonly unknown[] = []): Promise<number> {
    const r = (await this.callAsync({ op: "query", sql, params: params.map(param) })) as PgRows;
    return r.count;
  }

  /** Statements on one reserved connection inside a transaction, without blocking (a trace batch). */
  async transactionAsync<T>(fn: (q: PgAsyncConn) => Promise<T>): Promise<T> {
    const conn = (await this.callAsync({ op: "reserve" })) as number;
    const q: PgAsyncConn = {
      run: async (sql: string, params: readonly unknown[] = []) => ((await this.callAsync({ op: "query", sql, params: params.map(param), conn })) as PgRows).count,
      all: async <R>(sql: string, params: readonly unknown[] = []) => ((await this.callAsync({ op: "query", sql, params: params.map(param), conn })) as PgRows).rows as R[],
      copy: async (sql: string, data: string) => ((await this.callAsync({ op: "copy", sql, data, conn })) as PgRows).count,
    };
    try {
      await this.callAsync({ op: "exec", sql: "BEGIN", conn });
      const out = await fn(q);
      await this.callAsync({ op: "exec", sql: "COMMIT", conn });
      return out;
    } catch (err) {
      await this.callAsync({ op: "exec", sql: "ROLLBACK", conn }).catch(() => {});
      throw err;
    } finally {
      await this.callAsync({ op: "release", conn }).catch(() => {});
    }
  }

  /** `COPY … FROM STDIN` on the pool, without blocking; rows stored. */
  async copyAsync(sql: string, data: string): Promise<number> {
    return ((await this.callAsync({ op: "copy", sql, data })) as PgRows).count;
  }

  /** Ends the pool and the worker. Idempotent. */
  async close(): Promise<void> {
    if (this.exited) return;
    this.closing = true;
    await this.callAsync({ op: "close" }).catch(() => {});
    this.exited = new Error("PostgreSQL store is closed");
    await this.worker.terminate();
  }

  private connection(conn: number | undefined, depth = 0): PgSql {
    const self = this;
    const q = (sql: string, params: readonly unknown[]): PgRows => this.callSync({ op: "query", sql, params: params.map(param), conn }) as PgRows;
    return {
      all: <T>(sql: string, params: readonly unknown[] = []) => q(sql, params).rows as T[],
      get: <T>(sql: string, params: readonly unknown[] = []) => q(sql, params).rows[0] as T | undefined,
      run: (sql: string, params: readonly unknown[] = []) => q(sql, params).count,
      exec: (sql: string) => void this.callSync({ op: "exec", sql, conn }),
      copy: (sql: string, data: string) => (this.callSync({ op: "copy", sql, data, conn }) as PgRows).count,
      transaction<T>(fn: (tx: PgSql) => T): T {
        if (conn !== undefined && depth > 0) {
          // Nested: a savepoint on the same connection.
          const name = `keel_sp_${depth}`;
          const inner = self.connection(conn, depth + 1);
          inner.exec(`SAVEPOINT ${name}`);
          try {
            const out = fn(inner);
            inner.exec(`RELEASE SAVEPOINT ${name}`);
            return out;
          } catch (err) {
            inner.exec(`ROLLBACK TO SAVEPOINT ${name}`);
            throw err;
          }
        }
        return self.withReserved(conn, (c) => {
          const tx = self.connection(c, depth + 1);
          tx.exec("BEGIN");
          try {
            const out = fn(tx);
            if (out instanceof Promise) throw new Error("a PostgreSQL transaction body must be synchronous");
            tx.exec("COMMIT");
            return out;
          } catch (err) {
            try {
              tx.exec("ROLLBACK");
            } catch {
              // The connection is gone; the server rolls back on its own.
            }
            throw err;
          }
        });
      },
      session<T>(fn: (c: PgSql) => T): T {
        return self.withReserved(conn, (c) => fn(self.connection(c, depth)));
      },
    };
  }

  private withReserved<T>(conn: number | undefined, fn: (conn: number) => T): T {
    if (conn !== undefined) return fn(conn);
    const c = this.callSync({ op: "reserve" }) as number;
    try {
      return fn(c);
    } finally {
      try {
        this.callSync({ op: "release", conn: c });
      } catch {
        // A release that fails leaves nothing to undo.
      }
    }
  }

  /**
   * While the worker knows the server is down (a connection failed and its probe has not yet got
   * through), calls fail at once: each would otherwise block its thread (a synchronous call) or
   * hold its caller (an awaited one) for the whole deadline. Releases and `close` still go through.
   */
  private downError(req: PgOp): KeelError | null {
    if (req.op === "release" || req.op === "close" || Atomics.load(this.flag, 1) !== STORE_DOWN) return null;
    return new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl} is unavailable (reconnecting${this.lastDown ? `; last error: ${this.lastDown}` : ""})`);
  }

  private callSync(req: PgOp): unknown {
    if (this.exited) throw new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl} is closed`, { cause: this.exited });
    const down = this.downError(req);
    if (down) throw down;
    const id = this.nextId++;
    Atomics.store(this.flag, 0, 0);
    const deadline = Date.now() + this.timeoutMs;
    this.port.postMessage({ id, req, deadline } satisfies PgRequest);
    for (;;) {
      // Replies to calls that timed out earlier are drained and dropped: ids tell them apart.
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const reply = m.message as PgReply;
        if (reply.id !== id) {
          this.late(reply);
          continue;
        }
        if (reply.ok) return reply.value;
        throw this.errorOf(reply);
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        if (req.op === "reserve") this.abandoned.add(id);
        throw new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl} did not answer within ${this.timeoutMs} ms`);
      }
      Atomics.wait(this.flag, 0, 0, left);
      Atomics.store(this.flag, 0, 0);
    }
  }

  private callAsync(req: PgOp): Promise<unknown> {
    if (this.exited) return Promise.reject(new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl} is closed`));
    const down = this.downError(req);
    if (down) return Promise.reject(down);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // An awaited call keeps the process alive until it is answered; an idle pool does not.
      if (this.pending.size === 0) this.worker.ref();
      const deadline = Date.now() + this.asyncTimeoutMs;
      // Without a bound, a call queued for a connection while the server is down would wait for
      // ever, and so would whatever awaits it (an admin read, the trace writer's flush).
      const timer = setTimeout(() => {
        if (!this.pending.delete(id)) return;
        if (req.op === "reserve") this.abandoned.add(id);
        if (this.pending.size === 0) this.worker.unref();
        reject(new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl} did not answer within ${this.asyncTimeoutMs} ms`));
      }, this.asyncTimeoutMs);
      timer.unref();
      this.pending.set(id, {
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      this.worker.postMessage({ id, req, deadline } satisfies PgRequest);
    });
  }

  /** A reply nobody waits for any more: if it hands over a reserved connection, give it back. */
  private late(reply: PgReply): void {
    if (!this.abandoned.delete(reply.id) || !reply.ok || typeof reply.value !== "number") return;
    this.worker.postMessage({ id: this.nextId++, req: { op: "release", conn: reply.value } } satisfies PgRequest);
  }

  private errorOf(r: Extract<PgReply, { ok: false }>): Error {
    if (r.unavailable && r.code !== "KEEL_EXPIRED") this.lastDown = r.message;
    if (r.unavailable) return new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl} is unavailable: ${r.message}`);
    return new PgQueryError(r.message, r.code);
  }

  private fail(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.values()) p.reject(new KeelError("store_unavailable", `PostgreSQL store ${this.maskedUrl}: ${err.message}`));
    this.pending.clear();
  }
}

/** Parameters as the driver takes them: undefined is NULL; booleans, numbers, strings, bytes pass. */
function param(v: unknown): unknown {
  return v === undefined ? null : v;
}

import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import postgres, { type ReservedSql, type Sql } from "postgres";
import { STORE_DOWN, STORE_UP, type PgReply, type PgRequest, type PgRows, type PgWorkerData } from "./pg-protocol.js";

/**
 * The PostgreSQL driver's thread. The main thread's stores are synchronous (decision 0031): they
 * post a request on `syncPort` and block on a shared flag until this thread answers; the trace
 * writer posts on the worker's own port and awaits. Both share one bounded pool.
 */
const data = workerData as PgWorkerData & { syncPort: MessagePort };
const flag = new Int32Array(data.flag);
/** The server is marked down and probed (markDown). */
let probing = false;
/** A background check after a connection closed is running (checkAfterClose). */
let checking = false;
/** Set by `close`: the pool's own connections closing is no outage. */
let ending = false;

// int8 and numeric columns as JS numbers: Keel keeps epoch milliseconds and counters there, all
// far below 2^53. Floats are stored as double precision, which the driver already parses.
const asNumber = { to: 20, from: [20, 1700], serialize: (x: number) => String(x), parse: (x: string) => Number(x) };

const sql: Sql = postgres(data.url, {
  max: data.poolMax,
  connect_timeout: data.connectTimeoutS,
  idle_timeout: 60,
  // The driver's own backoff grows to 20 s after a few refused connects, so a server back after a
  // short restart stayed unused for ~11 s (store-outage.int.test.ts measured it). Capped at 1 s,
  // a down server costs each pooled connection at most one connect attempt a second.
  backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1) * (0.5 + Math.random() / 2),
  onnotice: () => {},
  // A pooled connection closed (the server went away, or an idle timeout): find out now, on this
  // thread, rather than inside the gateway's next synchronous call (checkAfterClose).
  onclose: () => checkAfterClose(),
  types: { bigint: asNumber } as never,
  connection: data.schema ? { search_path: data.schema, application_name: "keel" } : { application_name: "keel" },
});

/**
 * Bytes arrive as a plain Uint8Array (a Buffer loses its class crossing the port); the driver
 * sends only a Buffer as binary, anything else as text — which fails on the first zero byte.
 */
function bytes(v: unknown): unknown {
  return v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
}

/**
 * Feeds `data` to a `COPY … FROM STDIN`. The driver resolves the statement with the stream as soon
 * as the server asks for data; a failure after that (a bad value, a row no partition takes) only
 * reaches the statement's `reject`, and the stream's end callback never fires — so `reject` is
 * watched too, or a failed COPY would hang its batch.
 */
async function copyIn(on: Sql | ReservedSql, text: string, data: string): Promise<number> {
  const q = on.unsafe(text) as unknown as { reject: (e: unknown) => void; writable(): Promise<NodeJS.WritableStream> };
  let fail!: (e: unknown) => void;
  const failed = new Promise<never>((_, reject) => { fail = reject; });
  failed.catch(() => {});
  // The query is itself a promise that rejects when the connection dies mid-COPY; unhandled, that
  // rejection would end this thread and with it the whole store (the outage test caught it).
  (q as unknown as Promise<unknown>).catch(() => {});
  const reject = q.reject;
  q.reject = (e) => { fail(e); reject(e); };
  const w = await Promise.race([q.writable(), failed]);
  await Promise.race([failed, new Promise<void>((resolve, reject) => {
    w.on("error", reject);
    w.end(data, () => resolve());
  })]);
  let n = 0;
  for (let i = data.indexOf("\n"); i !== -1; i = data.indexOf("\n", i + 1)) n++;
  return n;
}

const reserved = new Map<number, ReservedSql>();
let nextConn = 1;

/** Driver errors that mean "the store is not there" rather than "this statement is wrong". */
function unavailable(err: { code?: string }): boolean {
  const c = err.code ?? "";
  return /^(KEEL_EXPIRED|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE|CONNECT_TIMEOUT|CONNECTION_CLOSED|CONNECTION_ENDED|CONNECTION_DESTROYED)$/.test(c) || c.startsWith("08") || c === "57P01" || c === "57P03";
}

function on(conn: number | undefined): Sql | ReservedSql {
  if (conn === undefined) return sql;
  const r = reserved.get(conn);
  if (!r) throw Object.assign(new Error(`connection ${conn} is not reserved`), { code: "KEEL_NO_CONN" });
  return r;
}

/** The caller gave up on this request (its deadline passed): reported as the store not answering. */
function expired(): Error {
  return Object.assign(new Error("the request waited past its deadline for a connection"), { code: "KEEL_EXPIRED" });
}

const late = (m: PgRequest): boolean => m.deadline !== undefined && Date.now() > m.deadline;

async function handle(m: PgRequest): Promise<PgRows | number | null> {
  const r = m.req;
  if (r.op !== "release" && r.op !== "close" && late(m)) throw expired();
  switch (r.op) {
    case "query": {
      const rows = await on(r.conn).unsafe(r.sql, r.params.map(bytes) as never[], { prepare: true });
      return { rows: [...rows] as Record<string, unknown>[], count: rows.count ?? rows.length };
    }
    case "exec": {
      const res = await on(r.conn).unsafe(r.sql);
      return { rows: [], count: (res as { count?: number }).count ?? 0 };
    }
    case "copy":
      return { rows: [], count: await copyIn(on(r.conn), r.sql, r.data) };
    case "reserve": {
      const c = await sql.reserve();
      // While the server was down the driver kept this reservation queued; a caller that timed out
      // never learns its handle and could never release it, so a late one goes straight back.
      if (late(m)) {
        c.release();
        throw expired();
      }
      const id = nextConn++;
      reserved.set(id, c);
      return id;
    }
    case "release": {
      reserved.get(r.conn)?.release();
      reserved.delete(r.conn);
      return null;
    }
    case "close": {
      ending = true;
      for (const c of reserved.values()) c.release();
      reserved.clear();
      await sql.end({ timeout: 5 });
      return null;
    }
  }
}

/** How often a down server is probed; one probe at a time. */
const PROBE_EVERY_MS = 200;

/**
 * Marks the server down and probes it until a statement succeeds. While it is down the bridge
 * refuses calls at once (a synchronous call would otherwise block the gateway's thread up to its
 * deadline, long enough for in-flight Redis commands and upstream calls to time out), so the probe,
 * not a caller's request, is what finds the server back.
 */
function markDown(): void {
  if (ending) return;
  Atomics.store(flag, 1, STORE_DOWN);
  if (probing) return;
  probing = true;
  void (async () => {
    for (;;) {
      if (ending) {
        probing = false;
        return;
      }
      try {
        await sql.unsafe("SELECT 1");
        Atomics.store(flag, 1, STORE_UP);
        probing = false;
        return;
      } catch {
        await new Promise((r) => setTimeout(r, PROBE_EVERY_MS));
      }
    }
  })();
}

/**
 * After a connection closes, one `SELECT 1` in the background: if the server is gone the flag goes
 * down before any caller asks, so the gateway's first synchronous call after an outage fails at
 * once instead of blocking its thread through the driver's reconnect (store-outage.int.test.ts saw
 * a Redis command time out behind such a block and the call fail with `limits_unavailable`).
 */
function checkAfterClose(): void {
  if (checking || probing || ending) return;
  checking = true;
  void sql.unsafe("SELECT 1").then(
    () => { checking = false; },
    (err: { code?: string }) => {
      checking = false;
      if (unavailable(err)) markDown();
    },
  );
}

async function answer(m: PgRequest, port: MessagePort, notify: boolean): Promise<void> {
  let reply: PgReply;
  try {
    reply = { id: m.id, ok: true, value: await handle(m) };
    if (m.req.op !== "release" && m.req.op !== "close") Atomics.store(flag, 1, STORE_UP);
  } catch (err) {
    const e = err as Error & { code?: string };
    reply = { id: m.id, ok: false, message: e.message, code: e.code, unavailable: unavailable(e) };
    // A request that only waited past its deadline says the pool is busy, not that the server is gone.
    if (reply.unavailable && e.code !== "KEEL_EXPIRED") markDown();
  }
  port.postMessage(reply);
  if (notify) {
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  }
}

// A driver promise nobody awaits (a connection dying under a statement) must not end the thread:
// every request still gets its answer through its own promise or its deadline.
process.on("unhandledRejection", () => {});

data.syncPort.on("message", (m: PgRequest) => void answer(m, data.syncPort, true));
parentPort!.on("message", (m: PgRequest) => void answer(m, parentPort as unknown as MessagePort, false));

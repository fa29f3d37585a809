import { type MessagePort, parentPort, type ResourceLimits, Worker } from "node:worker_threads";

/**
 * Request/response over a worker thread: the store's synchronous SQLite work runs on the worker's
 * own connection while the gateway's event loop only posts messages and awaits answers.
 */
interface Request {
  id: number;
  op: string;
  args: unknown;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; name: string; message: string };

/** An operation failed inside the worker (or the worker is gone); `name` is the original error's. */
export class WorkerCallError extends Error {
  constructor(message: string, readonly originalName: string) {
    super(message);
    this.name = "WorkerCallError";
  }
}

export class WorkerChannel {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private exited: Error | null = null;

  constructor(private readonly worker: Worker, private readonly onError?: (err: Error) => void) {
    worker.on("message", (m: Reply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      // RangeError stays RangeError: callers map it to a 400 (a bad cursor, a range out of bounds).
      else p.reject(m.name === "RangeError" ? new RangeError(m.message) : new WorkerCallError(m.message, m.name));
    });
    worker.on("error", (err) => {
      this.onError?.(err);
      this.fail(err);
    });
    worker.on("exit", (code) => this.fail(new Error(`worker exited with code ${code}`)));
  }

  call<T>(op: string, args: unknown): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, op, args } satisfies Request);
    });
  }

  /** Calls in flight (posted, not yet answered). */
  get inFlight(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    if (this.exited) return;
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.exited ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}

/**
 * Starts a worker from a module beside the caller. Under tsx (tests, benches) the module is
 * TypeScript, and a worker does not inherit tsx's loader, so a one-line bootstrap registers it first.
 */
export function startWorker(moduleUrl: URL, workerData: unknown, resourceLimits?: ResourceLimits, transferList?: (ArrayBuffer | MessagePort)[]): Worker {
  if (!moduleUrl.pathname.endsWith(".ts")) return new Worker(moduleUrl, { workerData, resourceLimits, transferList });
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(boot, { eval: true, workerData, resourceLimits, transferList });
}

/** The module URL of a sibling worker file, `.ts` under tsx and `.js` once built. */
export function siblingUrl(importMetaUrl: string, base: string): URL {
  return new URL(`./${base}${importMetaUrl.endsWith(".ts") ? ".ts" : ".js"}`, importMetaUrl);
}

export type Handlers = Record<string, (args: any) => unknown>;

/**
 * The worker side: answers each request with its handler's value. Synchronous handlers run one at
 * a time in arrival order; an async one (retention, backfill) yields between its bounded steps, and
 * requests that arrive meanwhile run in those gaps.
 */
export function serveRequests(handlers: Handlers): void {
  const port = parentPort;
  if (!port) throw new Error("serveRequests runs inside a worker thread");
  port.on("message", async (m: Request) => {
    try {
      const fn = handlers[m.op];
      if (!fn) throw new Error(`unknown operation ${m.op}`);
      port.postMessage({ id: m.id, ok: true, value: await fn(m.args) } satisfies Reply);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id: m.id, ok: false, name: e.name, message: e.message } satisfies Reply);
    }
  });
}

import { siblingUrl, startWorker, WorkerChannel } from "../../store/worker-channel.js";
import type { SummaryAnswer, SummaryQuery, TimeseriesAnswer, TimeseriesQuery } from "../summary/summary-query.js";
import type { TraceFilter, TracePage, TraceRecord } from "../types.js";
import type { PurgeFilter, PurgeResult } from "../sqlite-trace-purge-store.js";

export interface WriteWorkerData {
  dataDir: string;
  file: string;
  pruneBatchRows: number;
  /** `traces.max_body_chars`: bodies are cut to it after personal data is masked. */
  maxBodyChars?: number;
  /** Hex of the key behind `capture.pii: hash` placeholders (secrets/pii-hash.ts); without it `hash` masks. */
  piiHashKey?: string;
  /**
   * URLs of modules exporting `writerOps(db): Handlers`: other domains' writes that recur with
   * traffic run on this thread's connection, never the gateway's (decision 0037). The composition
   * root passes them (storage/sqlite-writer-ops.ts), so observe/ imports no domain above it.
   */
  opModules?: string[];
}

export interface ReadWorkerData {
  dataDir: string;
  file: string;
  /**
   * `traces.read_worker_nice`: the read thread's nice value (Linux), so that when the gateway's
   * thread and a long analytics read both want a core, the kernel gives it to the gateway. 0 leaves it.
   */
  nice?: number;
  /** Tests only: while gate[0] is 0 every read waits (a read made deliberately slow). */
  gate?: SharedArrayBuffer;
}

export interface PruneRequest {
  /** Rows (traces, verdicts, spans) and minute rollups before this go. */
  before: number;
  /** Hour rollups before this go. */
  rollupsBefore: number;
}

/**
 * Heap bounds per worker. A worker's V8 heap grows like the main thread's: without a bound, the
 * writer's garbage (a cloned batch every flush) let Keel's peak RSS grow by >100 MB under load.
 * The writer holds one batch at a time; the reader at most one row-read summary (`max_rows`).
 */
const WRITE_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 } as const;
const READ_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 512 } as const;

/**
 * Where the trace writer's batches go, and the bounded background work on the same rows
 * (retention, the rollup backfill). Asynchronous: a batch is written off the gateway's event loop.
 */
export interface TraceWrites {
  insertBatch(records: readonly TraceRecord[]): Promise<void>;
  /** Bounded-step retention; resolves with the rows deleted per table. */
  prune(r: PruneRequest): Promise<Record<string, number>>;
  /** Rolls up rows stored before rollups existed, in bounded steps, newest first. */
  backfill(): Promise<void>;
  /** Erasure of a data subject's traces and what derives from them (sqlite-trace-purge-store.ts, docs/privacy.md). */
  purge(filter: PurgeFilter, dryRun: boolean): Promise<PurgeResult>;
  close(): Promise<void>;
}

/**
 * The main thread's side of the trace writer worker: what `TraceWriter` writes batches to. Records
 * cross by structured clone; the SQLite work (encoding, inserts, rollups, indexes) happens there.
 */
export class TraceWriteWorker implements TraceWrites {
  private readonly channel: WorkerChannel;

  constructor(data: WriteWorkerData, onError?: (err: Error) => void) {
    this.channel = new WorkerChannel(startWorker(siblingUrl(import.meta.url, "trace-write-worker"), data, WRITE_LIMITS), onError);
  }

  async insertBatch(records: readonly TraceRecord[]): Promise<void> {
    await this.channel.call<number>("insert", records);
  }

  /** Bounded-step retention; resolves with the rows deleted per table. */
  prune(r: PruneRequest): Promise<Record<string, number>> {
    return this.channel.call("prune", r);
  }

  /** Erasure (sqlite-trace-purge-store.ts) on the writer's connection: no lock contention with batches, no work on the event loop. */
  purge(filter: PurgeFilter, dryRun: boolean): Promise<PurgeResult> {
    return this.channel.call("purge", { filter, dryRun });
  }

  /** Rolls up rows stored before rollups existed, in bounded steps, newest first. */
  backfill(): Promise<void> {
    return this.channel.call("backfill", null);
  }

  /** One of the operations `WriteWorkerData.opModules` added, on the writer's connection. */
  call<T>(op: string, args: unknown): Promise<T> {
    return this.channel.call<T>(op, args);
  }

  close(): Promise<void> {
    return this.channel.close();
  }
}

/** The admin API's reads that may take long, answered by the read worker. */
export interface TraceReads {
  summary(q: SummaryQuery): Promise<SummaryAnswer>;
  timeseries(q: TimeseriesQuery): Promise<TimeseriesAnswer>;
  list(f: TraceFilter): Promise<TracePage>;
  close(): Promise<void>;
}

/**
 * The read worker starts on the first read and stops after READ_IDLE_MS without one: a gateway
 * that nobody reads from (no dashboard, no alert rule on trace metrics) never pays for its thread,
 * V8 heap and SQLite connection — ~17 MB of Keel's RSS (bench/rss.ts, decision 0035). The first
 * read after a start waits for the worker to load: 0.8–1.2 s on a busy 2-core machine. Five
 * minutes outlasts the default alert interval (60 s), so an alert rule keeps one worker warm
 * rather than starting one for every evaluation.
 */
export const READ_IDLE_MS = 5 * 60_000;

export class TraceReadWorker implements TraceReads {
  private channel: WorkerChannel | null = null;
  private idle: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(private readonly data: ReadWorkerData, private readonly onError?: (err: Error) => void, private readonly idleMs = READ_IDLE_MS) {}

  /** Whether the worker thread is running now (tests, diagnostics). */
  get started(): boolean {
    return this.channel !== null;
  }

  summary(q: SummaryQuery): Promise<SummaryAnswer> {
    return this.call("summary", q);
  }

  timeseries(q: TimeseriesQuery): Promise<TimeseriesAnswer> {
    return this.call("timeseries", q);
  }

  list(f: TraceFilter): Promise<TracePage> {
    return this.call("list", f);
  }

  /** The read thread's kernel id and the nice value it set (null: left as it was, or not Linux). Starts the worker. */
  threadInfo(): Promise<{ tid: number | null; nice: number | null }> {
    return this.call("thread", null);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stopIdleTimer();
    const ch = this.channel;
    this.channel = null;
    await ch?.close();
  }

  private async call<T>(op: string, args: unknown): Promise<T> {
    if (this.closed) throw new Error("trace reader closed");
    this.stopIdleTimer();
    this.channel ??= new WorkerChannel(startWorker(siblingUrl(import.meta.url, "trace-read-worker"), this.data, READ_LIMITS), this.onError);
    const ch = this.channel;
    try {
      return await ch.call<T>(op, args);
    } finally {
      if (ch === this.channel && ch.inFlight === 0) this.startIdleTimer(ch);
    }
  }

  private startIdleTimer(ch: WorkerChannel): void {
    this.idle = setTimeout(() => {
      this.idle = null;
      if (ch !== this.channel || ch.inFlight > 0) return;
      // A read arriving from here on starts a fresh worker; this one has nothing in flight.
      this.channel = null;
      void ch.close();
    }, this.idleMs);
    this.idle.unref();
  }

  private stopIdleTimer(): void {
    if (this.idle) clearTimeout(this.idle);
    this.idle = null;
  }
}

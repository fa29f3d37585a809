import { isKeelError } from "../errors/errors.js";
import type { TraceRecord } from "./types.js";

/** Pause before a batch the store could not take is tried again. */
const RETRY_MS = 1000;

/** Where batches go: a store written in place (tests, CLI) or the writer worker (Keel). */
export interface TraceSink {
  insertBatch(records: readonly TraceRecord[]): void | Promise<void>;
}

export interface TraceWriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  maxQueue: number;
  onError?: (err: unknown) => void;
}

/**
 * Batches trace records and writes them off the request path. `record()` is O(1) and never touches
 * storage; a timer (or a full batch, via setImmediate) hands batches to the sink — in Keel the
 * writer worker, so the main thread only posts them. Past `maxQueue` records waiting (queued here
 * or posted and not yet written) new records are dropped and counted rather than let a slow disk
 * grow memory without bound.
 */
export class TraceWriter {
  private queue: TraceRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  private inFlight = 0;
  private readonly writes = new Set<Promise<void>>();
  dropped = 0;
  written = 0;
  /** Records handed back after a `store_unavailable` failure, to be written again (counted per attempt). */
  retried = 0;

  constructor(private readonly sink: TraceSink, private readonly opts: TraceWriterOptions) {}

  record(r: TraceRecord): void {
    if (this.closed || this.queue.length + this.inFlight >= this.opts.maxQueue) {
      this.dropped++;
      return;
    }
    this.queue.push(r);
    if (this.queue.length >= this.opts.batchSize) {
      this.immediate ??= setImmediate(() => void this.flush());
    } else if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), this.opts.flushIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Hands everything queued to the sink and resolves once every batch handed over so far (these
   * and earlier ones) is written: a reader who awaits it finds the calls made before it.
   */
  flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.immediate) { clearImmediate(this.immediate); this.immediate = null; }
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.opts.batchSize ? this.queue : this.queue.slice(0, this.opts.batchSize);
      this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
      this.write(batch);
    }
    return this.writes.size === 0 ? Promise.resolve() : Promise.all(this.writes).then(() => undefined);
  }

  private write(batch: TraceRecord[]): void {
    const done = (): void => { this.written += batch.length; };
    const failed = (err: unknown): void => {
      this.opts.onError?.(err);
      // The shared store is down (PostgreSQL restarting): keep the batch, within the same
      // bound, and try again after a pause; anything else (a bad row) would fail again, so it drops.
      if (!this.closed && isKeelError(err) && err.code === "store_unavailable" && this.queue.length + this.inFlight <= this.opts.maxQueue) {
        this.queue = batch.concat(this.queue);
        this.retried += batch.length;
        if (this.timer === null) {
          this.timer = setTimeout(() => void this.flush(), Math.max(this.opts.flushIntervalMs, RETRY_MS));
          this.timer.unref();
        }
        return;
      }
      this.dropped += batch.length;
    };
    let pending: void | Promise<void>;
    try {
      pending = this.sink.insertBatch(batch);
    } catch (err) {
      failed(err);
      return;
    }
    if (!(pending instanceof Promise)) { done(); return; }
    this.inFlight += batch.length;
    const p: Promise<void> = pending.then(done, failed).finally(() => {
      this.inFlight -= batch.length;
      this.writes.delete(p);
    });
    this.writes.add(p);
  }

  /** Records waiting: queued here or handed to the sink and not yet written. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** Writes everything still queued and stops accepting records; shutdown awaits it. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}

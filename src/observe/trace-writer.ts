import type { TraceRecord, TraceStore } from "./types.js";

export interface TraceWriterOptions {
  batchSize: number;
  flushIntervalMs: number;
  maxQueue: number;
  onError?: (err: unknown) => void;
}

/**
 * Batches trace records and writes them off the request path. `record()` is O(1) and never touches
 * storage; a timer (or a full batch, via setImmediate) flushes in one transaction. Past `maxQueue`
 * new records are dropped and counted rather than let a slow disk grow memory without bound.
 */
export class TraceWriter {
  private queue: TraceRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private closed = false;
  dropped = 0;
  written = 0;

  constructor(private readonly store: TraceStore, private readonly opts: TraceWriterOptions) {}

  record(r: TraceRecord): void {
    if (this.closed || this.queue.length >= this.opts.maxQueue) {
      this.dropped++;
      return;
    }
    this.queue.push(r);
    if (this.queue.length >= this.opts.batchSize) {
      this.immediate ??= setImmediate(() => this.flush());
    } else if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.opts.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything queued now. Safe to call any time; used at shutdown. */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.immediate) { clearImmediate(this.immediate); this.immediate = null; }
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.opts.batchSize ? this.queue : this.queue.slice(0, this.opts.batchSize);
      this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
      try {
        this.store.insertBatch(batch);
        this.written += batch.length;
      } catch (err) {
        this.dropped += batch.length;
        this.opts.onError?.(err);
      }
    }
  }

  get pending(): number {
    return this.queue.length;
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}

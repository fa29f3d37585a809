import { InFlight } from "../../async/in-flight.js";
import type { SpendRow, SpendStore } from "./spend-types.js";

export interface SpendRecorderOptions {
  flushIntervalMs: number;
  onError?: (err: unknown) => void;
  /**
   * Where a flush's rows go instead of `store.addBatch` on this thread: the trace writer's own
   * connection (SQLite's writer thread, PostgreSQL's non-blocking calls). A write on the gateway's
   * connection waits for the SQLite write lock while the trace writer holds it: measured 8–56 ms
   * of blocked event loop once a second under load (decision 0037).
   */
  sink?: (rows: readonly SpendRow[]) => Promise<void>;
}

const MAX_PENDING = 100_000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Aggregates spend in memory and upserts it off the request path (like the TraceWriter): a call
 * adds to one map entry; a timer writes one row per (day, attribution) that changed. A crash loses
 * at most one interval of spend; a clean shutdown loses none.
 */
export class SpendRecorder {
  private pending = new Map<string, Mutable<SpendRow>>();
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly inFlight = new InFlight();
  written = 0;

  constructor(private readonly store: SpendStore, private readonly opts: SpendRecorderOptions) {}

  record(r: SpendRow): void {
    if (this.closed) return;
    this.add(r);
    this.arm();
  }

  /**
   * Hands everything pending to the store now. With a `sink` the write completes later: `settle()`
   * waits for it. A failed write keeps its rows for the next flush.
   */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    if (!this.opts.sink) {
      try {
        this.store.addBatch(rows);
        this.written += rows.length;
      } catch (err) {
        this.failed(rows, err);
      }
      return;
    }
    void this.inFlight.track(this.opts.sink(rows).then(
      () => { this.written += rows.length; },
      (err: unknown) => this.failed(rows, err),
    ));
  }

  /** Flushes and waits until every write so far has landed (or failed): admin reads call it first so a caller sees its own spend. */
  async settle(): Promise<void> {
    this.flush();
    await this.inFlight.settle();
  }

  async close(): Promise<void> {
    await this.settle();
    this.closed = true;
  }

  private add(r: SpendRow): void {
    const id = `${r.day}\u001f${r.keyId ?? ""}\u001f${r.user ?? ""}\u001f${r.team ?? ""}\u001f${r.feature ?? ""}\u001f${r.model ?? ""}`;
    const row = this.pending.get(id);
    if (row) {
      row.requests += r.requests;
      row.tokensIn += r.tokensIn;
      row.tokensOut += r.tokensOut;
      row.costUsd += r.costUsd;
    } else {
      this.pending.set(id, { ...r });
    }
  }

  /**
   * Spend is money: keep it for the next attempt, unless storage has been failing for so long that
   * holding it would grow memory without bound.
   */
  private failed(rows: readonly SpendRow[], err: unknown): void {
    if (this.pending.size < MAX_PENDING) {
      for (const r of rows) this.add(r);
      if (!this.closed) this.arm();
    }
    this.opts.onError?.(err);
  }

  private arm(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => this.flush(), this.opts.flushIntervalMs);
    this.timer.unref();
  }
}

import type { SpendRow, SpendStore } from "./spend-types.js";

export interface SpendRecorderOptions {
  flushIntervalMs: number;
  onError?: (err: unknown) => void;
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
  written = 0;

  constructor(private readonly store: SpendStore, private readonly opts: SpendRecorderOptions) {}

  record(r: SpendRow): void {
    if (this.closed) return;
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
    if (this.timer === null) {
      this.timer = setTimeout(() => this.flush(), this.opts.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes everything pending now; admin reads call it first so a caller sees its own spend. */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.pending.size === 0) return;
    const rows = [...this.pending.values()];
    this.pending = new Map();
    try {
      this.store.addBatch(rows);
      this.written += rows.length;
    } catch (err) {
      // Spend is money: keep it for the next attempt, unless storage has been failing for so long
      // that holding it would grow memory without bound.
      if (this.pending.size < MAX_PENDING) for (const r of rows) this.record(r);
      this.opts.onError?.(err);
    }
  }

  close(): void {
    this.flush();
    this.closed = true;
  }
}

import type { TraceRecord, TraceStore } from "../../observe/types.js";
import type { SettingsStore } from "../../store/settings-store.js";

/** New traces, in the order they finished, each handed out once across restarts. */
export interface TraceFeed {
  next(limit: number): TraceRecord[];
  /**
   * Moves the watermark forward to `fromMs` (never back), so that what finished before it is not
   * handed out: after a time with no enabled rule, the feed restarts where the first rule was
   * enabled, and idle online evaluation reads and writes nothing in between (decision 0037).
   */
  restart(fromMs: number): void;
}

const SETTING = "evals.online.watermark";

/**
 * Reads the trace store by end time past a persisted watermark. The trace writer appends in end order
 * (records are queued when a call ends, written FIFO), but calls ending in the same millisecond can
 * land in different batches, so each read looks `overlapMs` behind the watermark and skips ids it
 * already handed out. `started_at ≥ watermark − maxCallMs` lets the started_at index bound the scan.
 */
export class StoredTraceFeed implements TraceFeed {
  private watermark: number;
  private readonly recent = new Map<string, number>();
  /** Set by `restart`: rows that ended before it are never handed out, however far the overlap looks back. */
  private floor = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly traces: TraceStore, private readonly settings: SettingsStore,
    private readonly o: { now?: () => number; maxCallMs: number; overlapMs?: number },
  ) {
    const saved = Number(settings.get(SETTING));
    // A fresh install starts at now: turning online evaluation on does not score history.
    this.watermark = Number.isFinite(saved) && saved > 0 ? saved : (o.now ?? Date.now)();
    settings.set(SETTING, String(this.watermark));
  }

  next(limit: number): TraceRecord[] {
    const overlap = this.o.overlapMs ?? 2000;
    const rows = this.traces.endedSince(this.watermark - this.o.maxCallMs, this.watermark - overlap, limit + this.recent.size);
    const out: TraceRecord[] = [];
    for (const r of rows) {
      if (out.length >= limit) break;
      if (this.recent.has(r.id) || r.ended_at < this.floor) continue;
      const t = this.traces.get(r.id);
      if (!t) continue;
      this.recent.set(r.id, r.ended_at);
      this.watermark = Math.max(this.watermark, r.ended_at);
      out.push(t);
    }
    for (const [id, at] of this.recent) if (at < this.watermark - overlap) this.recent.delete(id);
    if (out.length) this.settings.set(SETTING, String(this.watermark));
    return out;
  }

  restart(fromMs: number): void {
    if (!(fromMs > this.watermark)) return;
    this.watermark = fromMs;
    this.floor = fromMs;
    this.recent.clear();
    this.settings.set(SETTING, String(this.watermark));
  }
}

import { InFlight } from "../async/in-flight.js";
import type { ResponseStore, StoredResponse } from "./response-store.js";

/** Recent responses kept in memory: a conversation's next turn usually follows within seconds. */
const RECENT = 2048;
/** Queued writes go out together at most this often (one transaction), or sooner when this many wait. */
const FLUSH_MS = 100;
const FLUSH_AT = 256;
const PRUNE_STEP = 2000;

/**
 * The gateway's view of stored responses (docs/decisions/0026-stored-responses.md). Writes are
 * queued and flushed to the store after the current tick, so answering a call never waits on
 * SQLite; the newest responses stay in memory, so `previous_response_id` and `GET` right after a
 * create are answered from memory. Older ones are one primary-key read.
 */
export class StoredResponses {
  private readonly recent = new Map<string, StoredResponse>();
  private pending: StoredResponse[] = [];
  private flushing: NodeJS.Timeout | null = null;
  private readonly inFlight = new InFlight();

  /**
   * `sink`: where queued batches go instead of `store.putBatch` on this thread — the trace writer's
   * connection (decision 0037): on the gateway's they wait for the lock a trace batch holds.
   */
  constructor(
    private readonly store: ResponseStore,
    private readonly onError: (err: unknown) => void = () => {},
    private readonly sink?: (batch: readonly StoredResponse[]) => Promise<void>,
  ) {}

  /** Queues the response; readable at once through get(). */
  put(r: StoredResponse): void {
    this.remember(r);
    this.pending.push(r);
    if (this.pending.length >= FLUSH_AT) this.flush();
    else if (this.flushing === null) {
      this.flushing = setTimeout(() => this.flush(), FLUSH_MS);
      this.flushing.unref();
    }
  }

  get(id: string, keyId: string): StoredResponse | null {
    const hot = this.recent.get(id);
    if (hot) return hot.keyId === keyId ? hot : null;
    try {
      return this.store.get(id, keyId);
    } catch (err) {
      this.onError(err);
      return null;
    }
  }

  /**
   * True when the key had this response (stored or still queued). Waits for batches in flight
   * first, so a write landing after the delete cannot bring the response back.
   */
  async delete(id: string, keyId: string): Promise<boolean> {
    const hot = this.recent.get(id);
    if (hot && hot.keyId !== keyId) return false;
    if (hot) this.recent.delete(id);
    const queued = this.pending.findIndex((p) => p.id === id);
    if (queued >= 0) this.pending.splice(queued, 1);
    await this.settle();
    return this.store.delete(id, keyId) || hot !== undefined;
  }

  /** Writes what is queued as one batch; called by the timer, when the queue is full, and at shutdown. */
  flush(): void {
    if (this.flushing) clearTimeout(this.flushing);
    this.flushing = null;
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    if (this.sink) {
      void this.inFlight.track(this.sink(batch).catch((err: unknown) => this.onError(err)));
      return;
    }
    try {
      this.store.putBatch(batch);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Flushes and waits for every batch handed to the sink so far. */
  async settle(): Promise<void> {
    this.flush();
    await this.inFlight.settle();
  }

  /**
   * Deletes responses created before `before` (epoch ms) in steps of 2000 rows, yielding to the
   * event loop between steps so requests are never held up behind a long delete; returns how many.
   */
  async prune(before: number): Promise<number> {
    for (const [id, r] of this.recent) if (r.createdAt < before) this.recent.delete(id);
    let total = 0;
    for (;;) {
      const n = this.store.deleteBefore(before, PRUNE_STEP);
      total += n;
      if (n < PRUNE_STEP) return total;
      await new Promise((ok) => setImmediate(ok));
    }
  }

  close(): Promise<void> {
    return this.settle();
  }

  private remember(r: StoredResponse): void {
    // Map order is insertion order: the first key is the oldest.
    if (this.recent.size >= RECENT) this.recent.delete(this.recent.keys().next().value as string);
    this.recent.set(r.id, r);
  }
}

import { setImmediate as yieldToEventLoop } from "node:timers/promises";

/**
 * Runs a batch function one batch at a time, coalescing items from concurrent callers.
 *
 * Why: in-process inference (the tfjs WASM backend) is synchronous CPU work on the event loop, so
 * concurrent calls gain nothing from overlapping, and a batch of 16 sentences costs about half of
 * 16 single calls. Bounding a batch by item count and total weight (characters) bounds each
 * event-loop stall; the loop yields between batches so sockets are served.
 *
 * Fairness: a caller whose items did not all fit is moved to the back of the queue, so a single
 * embedding request behind a 256-item one waits one batch, not sixteen.
 */
export interface SerialBatcherOptions<T> {
  maxItems: number;
  /** Upper bound on the summed `weight` of a batch; one item heavier than this runs alone. */
  maxWeight: number;
  weight(item: T): number;
}

export interface SerialBatcher<T, R> {
  /** Results in item order. Rejects with `signal.reason` if aborted before all items ran. */
  run(items: readonly T[], signal?: AbortSignal): Promise<R[]>;
  /** Callers waiting or running. */
  readonly pending: number;
  /** Resolves when the queue is empty and no batch is running. */
  idle(): Promise<void>;
}

interface Job<T, R> {
  items: readonly T[];
  results: R[];
  /** Index of the first item not yet handed to a batch. */
  next: number;
  resolve(results: R[]): void;
  reject(err: unknown): void;
  detach(): void;
}

interface Slice<T, R> { job: Job<T, R>; from: number; to: number }

export function createSerialBatcher<T, R>(
  processBatch: (items: T[]) => Promise<R[]>,
  opts: SerialBatcherOptions<T>,
): SerialBatcher<T, R> {
  const queue: Job<T, R>[] = [];
  let running = false;
  let idleWaiters: (() => void)[] = [];

  function settle(job: Job<T, R>, err?: unknown): void {
    const i = queue.indexOf(job);
    if (i >= 0) queue.splice(i, 1);
    job.detach();
    if (err === undefined) job.resolve(job.results);
    else job.reject(err);
  }

  function takeBatch(): Slice<T, R>[] {
    const slices: Slice<T, R>[] = [];
    let count = 0;
    let weight = 0;
    outer: for (const job of queue) {
      const from = job.next;
      let to = from;
      while (to < job.items.length) {
        const w = opts.weight(job.items[to]);
        if (count > 0 && (count + 1 > opts.maxItems || weight + w > opts.maxWeight)) {
          if (to > from) slices.push({ job, from, to });
          break outer;
        }
        count++;
        weight += w;
        to++;
      }
      slices.push({ job, from, to });
    }
    return slices;
  }

  async function drain(): Promise<void> {
    running = true;
    try {
      while (queue.length > 0) {
        const slices = takeBatch();
        const batch: T[] = [];
        for (const s of slices) {
          for (let i = s.from; i < s.to; i++) batch.push(s.job.items[i]);
          s.job.next = s.to;
        }
        let out: R[] | undefined;
        let failure: unknown;
        try {
          out = await processBatch(batch);
          if (out.length !== batch.length) throw new Error(`batch returned ${out.length} results for ${batch.length} items`);
        } catch (err) {
          failure = err;
        }
        let offset = 0;
        for (const { job, from, to } of slices) {
          // A job aborted while its batch ran has already been settled; its results are dropped.
          if (!queue.includes(job)) { offset += to - from; continue; }
          if (failure !== undefined) { settle(job, failure); continue; }
          for (let i = from; i < to; i++) job.results[i] = out![offset++];
          if (job.next >= job.items.length) settle(job);
          else queue.push(queue.splice(queue.indexOf(job), 1)[0]);
        }
        if (queue.length > 0) await yieldToEventLoop();
      }
    } finally {
      running = false;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  return {
    run(items, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (items.length === 0) return Promise.resolve([]);
      return new Promise<R[]>((resolve, reject) => {
        const onAbort = (): void => settle(job, signal!.reason);
        const job: Job<T, R> = {
          items, results: new Array<R>(items.length), next: 0, resolve, reject,
          detach: () => signal?.removeEventListener("abort", onAbort),
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        queue.push(job);
        if (!running) void drain();
      });
    },
    get pending() {
      return queue.length;
    },
    idle() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

import type { ChatCompletion } from "../api/chat-types.js";
import { wilsonInterval } from "../evals/stats/wilson.js";
import { agreement } from "./answer-agreement.js";

/**
 * The online false-hit estimate (docs/cache.md): a sampled share of semantic hits is re-asked to
 * the model after the response, and the fresh answer compared with the one served
 * (answer-agreement.ts). Bounded like the trace writer: at most `concurrency` re-asks in flight
 * and `queue` waiting; a sampled hit that finds the queue full is counted `dropped`, never waited
 * on. The model call, the embedder and what a false hit does are passed in.
 */

export type VerifyOutcome = "match" | "mismatch" | "error" | "dropped";
export const VERIFY_OUTCOMES: readonly VerifyOutcome[] = ["match", "mismatch", "error", "dropped"];

export interface VerifyJob {
  /** The semantic hit's request id (its trace). */
  requestId: string;
  /** The matched entry's key, and its context in the semantic index. */
  key: string;
  context: string;
  similarity: number;
  /** The route's threshold the hit was served at. */
  routeThreshold: number;
  /** The hit's body of record and the public model it resolved to: what is re-asked. */
  body: Record<string, unknown>;
  model: string;
  /** The answer that was served. */
  served: ChatCompletion;
}

/** What a finished re-ask reports to whoever traces it. */
export interface VerifyResult {
  outcome: Exclude<VerifyOutcome, "dropped">;
  /** Cosine of the two answers when they were compared by embedding. */
  agreement: number | null;
}

export interface VerifierDeps {
  /** Re-asks the model; `done` is called once with the result (to trace the call with its outcome). */
  ask(job: VerifyJob, signal: AbortSignal): Promise<{ completion: ChatCompletion; done: (r: VerifyResult) => void }>;
  /** Cosine similarity of two answers' offline embeddings. */
  similarity(a: string, b: string, signal: AbortSignal): Promise<number>;
  /** A verified false hit: raise the entry's threshold or evict it (the cache service decides). */
  onFalseHit(job: VerifyJob): void | Promise<void>;
  onError?: (what: string, err: unknown) => void;
}

export interface VerifierOptions {
  sample: number;
  concurrency: number;
  queue: number;
  agreement: number;
  /** Per re-ask, so a hung model does not hold a slot for ever. */
  timeoutMs: number;
}

export interface FalseHitEstimate {
  verified: number;
  falseHits: number;
  /** false hits / verified, null before any. */
  rate: number | null;
  lower95: number | null;
  upper95: number | null;
}

export class SemanticVerifier {
  readonly counts: Record<VerifyOutcome, number> = { match: 0, mismatch: 0, error: 0, dropped: 0 };
  private readonly waiting: VerifyJob[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly abort = new AbortController();

  constructor(private readonly o: VerifierOptions, private readonly d: VerifierDeps, private readonly random: () => number = Math.random) {}

  /** Whether this semantic hit is in the sample (decided on the request path: one random draw). */
  sampled(): boolean {
    return this.o.sample > 0 && this.random() < this.o.sample;
  }

  /** Queues a sampled hit's re-ask; false (counted `dropped`) when the queue is full or closed. */
  enqueue(job: VerifyJob): boolean {
    if (this.abort.signal.aborted || this.running + this.waiting.length >= this.o.concurrency + this.o.queue) {
      this.counts.dropped++;
      return false;
    }
    this.waiting.push(job);
    this.pump();
    return true;
  }

  estimate(): FalseHitEstimate {
    const n = this.counts.match + this.counts.mismatch;
    if (n === 0) return { verified: 0, falseHits: 0, rate: null, lower95: null, upper95: null };
    const ci = wilsonInterval(this.counts.mismatch, n);
    return { verified: n, falseHits: this.counts.mismatch, rate: this.counts.mismatch / n, lower95: ci.lower, upper95: ci.upper };
  }

  get pending(): number {
    return this.running + this.waiting.length;
  }

  /** Resolves when nothing is queued or running (tests, shutdown). */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  close(): void {
    this.abort.abort();
    this.counts.dropped += this.waiting.length;
    this.waiting.length = 0;
  }

  private pump(): void {
    while (this.running < this.o.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      this.running++;
      // Off the request path: the caller has its answer already.
      setImmediate(() => void this.run(job).finally(() => {
        this.running--;
        this.pump();
        if (this.pending === 0) for (const w of this.idleWaiters.splice(0)) w();
      }));
    }
  }

  private async run(job: VerifyJob): Promise<void> {
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.o.timeoutMs)]);
    let done: ((r: VerifyResult) => void) | null = null;
    let agree: boolean;
    try {
      const got = await this.d.ask(job, signal);
      done = got.done;
      const a = agreement(job.served, got.completion);
      let sim: number | null = null;
      if (a.kind === "exact") agree = a.agree;
      else {
        sim = await this.d.similarity(a.text[0], a.text[1], signal);
        agree = sim >= this.o.agreement;
      }
      const outcome = agree ? "match" : "mismatch";
      this.counts[outcome]++;
      done({ outcome, agreement: sim });
    } catch (err) {
      // A failed re-ask (`ask` threw) traces itself; a failed comparison is traced here.
      this.counts.error++;
      done?.({ outcome: "error", agreement: null });
      this.d.onError?.("cache verification failed", err);
      return;
    }
    // Only once the outcome is counted and traced: what a false hit does to its entry.
    if (!agree) await Promise.resolve().then(() => this.d.onFalseHit(job)).catch((err) => this.d.onError?.("cache false-hit handling failed", err));
  }
}

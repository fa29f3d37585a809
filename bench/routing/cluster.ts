/**
 * A pool of simulated replicas in virtual time (a discrete-event simulation: deterministic, and
 * 20 000 requests take about a second). Each replica models a vLLM-style server with the
 * simulator's prefix cache — the same PrefixCache class, block size and rules (docs/simulator.md):
 *
 * - prefill is compute-bound, one at a time per replica, FIFO: a request's prefill starts when the
 *   one before it ends, and costs prefill_us_per_token × its uncached tokens;
 * - cached tokens = leading blocks found in the cache when its prefill starts × block size;
 * - its blocks enter the cache (LRU) when its prefill ends — the first token — as in the simulator;
 * - the first token comes ttft_ms after prefill ends; decoding then takes itl_ms per output token,
 *   side by side with other requests (continuous batching), until the request leaves.
 *
 * In-flight, as the router counts it, runs from dispatch to the last token.
 */
import { PrefixCache } from "../../src/providers/sim/prefix-cache.js";
import { EventQueue } from "./event-queue.js";
import type { SimRequest } from "./workload.js";

export interface ReplicaModel {
  readonly replicas: number;
  readonly cacheBlocks: number;
  readonly blockTokens: number;
  readonly ttftMs: number;
  readonly prefillUsPerToken: number;
  readonly itlMs: number;
}

/** A routing policy under test: which replica takes this request now. */
export interface SimRouter {
  route(req: SimRequest, replicas: readonly Replica[]): number;
  /** The request left replica `index` (its last token). */
  done(index: number): void;
}

export class Replica {
  inFlight = 0;
  readonly cache: PrefixCache;
  /** Waiting for prefill, in order. */
  readonly queue: SimRequest[] = [];
  /** In prefill now. */
  prefilling: SimRequest | null = null;
  busy = false;

  constructor(cacheBlocks: number) {
    this.cache = new PrefixCache(cacheBlocks);
  }
}

export interface SimMetrics {
  /** Cached prompt tokens / prompt tokens, after warm-up. */
  readonly hitRate: number;
  /** max / mean over replicas of each replica's time-averaged in-flight. */
  readonly imbalance: number;
  /** max / mean in-flight across replicas at each arrival, averaged over arrivals. */
  readonly peakImbalance: number;
  readonly ttftMs: number[];
  /** How many replicas a tenant's requests effectively spread over: 1/Σ share², averaged over tenants. */
  readonly replicasPerTenant: number;
}

type Ev = { kind: "arrive"; req: SimRequest } | { kind: "prefilled"; r: number; req: SimRequest } | { kind: "done"; r: number };

export function runCluster(reqs: readonly SimRequest[], model: ReplicaModel, router: SimRouter, warmup: number): SimMetrics {
  const replicas = Array.from({ length: model.replicas }, () => new Replica(model.cacheBlocks));
  const q = new EventQueue<Ev>();
  reqs.forEach((req) => q.push(req.arrivalMs, { kind: "arrive", req }));
  const measured = new Set(reqs.slice(warmup));
  const ttft: number[] = [];
  const area = new Float64Array(model.replicas);
  const spread = new Map<number, number[]>();
  let prompt = 0;
  let cached = 0;
  let peakSum = 0;
  let peakN = 0;
  let last = 0;
  let measureFrom = Infinity;

  const startPrefill = (r: number, now: number): void => {
    const rep = replicas[r];
    const req = rep.queue.shift();
    rep.prefilling = req ?? null;
    if (!req) {
      rep.busy = false;
      return;
    }
    rep.busy = true;
    const hit = Math.min(rep.cache.matchedBlocks(req.blockHashes) * model.blockTokens, req.promptTokens);
    if (measured.has(req)) {
      prompt += req.promptTokens;
      cached += hit;
    }
    q.push(now + ((req.promptTokens - hit) * model.prefillUsPerToken) / 1000, { kind: "prefilled", r, req });
  };

  for (let e = q.pop(); e; e = q.pop()) {
    const now = e.time;
    if (now >= measureFrom) for (let r = 0; r < model.replicas; r++) area[r] += replicas[r].inFlight * (now - last);
    last = now;
    const ev = e.item;
    if (ev.kind === "arrive") {
      if (ev.req === reqs[warmup]) measureFrom = now;
      const r = router.route(ev.req, replicas);
      const rep = replicas[r];
      rep.inFlight++;
      rep.queue.push(ev.req);
      if (!rep.busy) startPrefill(r, now);
      if (measured.has(ev.req)) {
        let max = 0;
        let sum = 0;
        for (const x of replicas) {
          max = Math.max(max, x.inFlight);
          sum += x.inFlight;
        }
        peakSum += max / (sum / model.replicas);
        peakN++;
        if (!spread.has(ev.req.tenant)) spread.set(ev.req.tenant, new Array<number>(model.replicas).fill(0));
        spread.get(ev.req.tenant)![r]++;
      }
    } else if (ev.kind === "prefilled") {
      replicas[ev.r].cache.insert(ev.req.blockHashes);
      const first = now + model.ttftMs;
      if (measured.has(ev.req)) ttft.push(first - ev.req.arrivalMs);
      q.push(first + (ev.req.outputTokens - 1) * model.itlMs, { kind: "done", r: ev.r });
      startPrefill(ev.r, now);
    } else {
      replicas[ev.r].inFlight--;
      router.done(ev.r);
    }
  }
  const avg = [...area];
  const mean = avg.reduce((a, b) => a + b, 0) / avg.length;
  let tenants = 0;
  for (const counts of spread.values()) {
    const n = counts.reduce((a, b) => a + b, 0);
    tenants += 1 / counts.reduce((a, c) => a + (c / n) ** 2, 0);
  }
  return {
    hitRate: prompt > 0 ? cached / prompt : 0,
    imbalance: Math.max(...avg) / mean,
    peakImbalance: peakSum / peakN,
    ttftMs: ttft,
    replicasPerTenant: tenants / spread.size,
  };
}

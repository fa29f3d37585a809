import type {
  AdmitRequest, AdmitResult, BudgetSeed, LimitBackend, RateState, Refusal, SettleRequest, SettleResult,
} from "./backend.js";
import { gcraAdjust, gcraTake, rescaleTat } from "./gcra.js";

/** A GCRA counter: tat and the interval it was computed with. */
interface Tat {
  tat: number;
  t: number;
}

interface Budget {
  spent: number;
  reserved: number;
  /** lease → [amount, expiresAt] */
  leases: Map<string, [number, number]>;
  softFired: boolean;
  exhaustedFired: boolean;
  expiresAt: number;
}

const SWEEP_MS = 60_000;

/**
 * Counters in this process: plain maps, no I/O, no promises — an admission is a few map lookups
 * and some float arithmetic. Idle counters are swept once a minute so that many distinct users or
 * features do not grow memory without bound (an idle GCRA counter equals an absent one).
 */
export class MemoryBackend implements LimitBackend {
  readonly kind = "memory" as const;
  private readonly tats = new Map<string, Tat>();
  private readonly leases = new Map<string, Map<string, number>>();
  private readonly budgets = new Map<string, Budget>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly pending: number[] = [];

  constructor(private readonly clock: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(this.clock()), SWEEP_MS);
    this.sweeper.unref();
  }

  admit(req: AdmitRequest): AdmitResult {
    const { now, rates, concurrency, budgets } = req;
    let refusals: Refusal[] | null = null;
    // Two passes: decide everything, then commit — a refusal leaves every counter as it was.
    const next = this.pending;
    next.length = 0;
    const states: RateState[] = new Array(rates.length);
    for (let i = 0; i < rates.length; i++) {
      const r = rates[i];
      const g = gcraTake(this.tatOf(r.id, now, r.periodMs / r.limit), now, r.limit, r.periodMs, r.cost);
      if (g.ok) {
        next.push(g.tat);
        states[i] = { remaining: g.remaining, resetMs: g.resetMs };
      } else {
        (refusals ??= []).push({ kind: "rate", index: i, retryAfterMs: g.retryAfterMs, remaining: g.remaining, resetMs: g.resetMs });
      }
    }
    for (let i = 0; i < concurrency.length; i++) {
      const c = concurrency[i];
      const held = this.leases.get(c.id);
      if (held && held.size >= c.max) {
        for (const [lease, exp] of held) if (exp <= now) held.delete(lease);
        if (held.size >= c.max) (refusals ??= []).push({ kind: "concurrency", index: i, inFlight: held.size });
      }
    }
    for (let i = 0; i < budgets.length; i++) {
      const b = budgets[i];
      let s = this.budgets.get(b.id);
      if ((s ? s.spent + s.reserved : 0) + b.cost <= b.limit) continue;
      if (s) {
        for (const [lease, [amount, exp]] of s.leases) {
          if (exp <= now) {
            s.reserved -= amount;
            s.leases.delete(lease);
          }
        }
      }
      if ((s ? s.spent + s.reserved : 0) + b.cost > b.limit) {
        if (!s) this.budgets.set(b.id, (s = newBudget(0, b.expiresAt)));
        const first = !s.exhaustedFired;
        s.exhaustedFired = true;
        (refusals ??= []).push({ kind: "budget", index: i, spent: s.spent, reserved: s.reserved, first });
      }
    }
    if (refusals) return { ok: false, refusals };

    for (let i = 0; i < rates.length; i++) this.setTat(rates[i].id, next[i], rates[i].periodMs / rates[i].limit);
    for (const c of concurrency) {
      let held = this.leases.get(c.id);
      if (!held) this.leases.set(c.id, (held = new Map()));
      held.set(req.lease, req.leaseExpiresAt);
    }
    for (const b of budgets) {
      let s = this.budgets.get(b.id);
      if (!s) this.budgets.set(b.id, (s = newBudget(0, b.expiresAt)));
      s.reserved += b.cost;
      s.leases.set(req.lease, [b.cost, req.leaseExpiresAt]);
    }
    return { ok: true, rates: states };
  }

  settle(req: SettleRequest): SettleResult {
    const { now } = req;
    for (const t of req.tokens) {
      const interval = t.periodMs / t.limit;
      const next = gcraAdjust(this.tatOf(t.id, now, interval), now, t.limit, t.periodMs, t.delta);
      if (next > now) this.setTat(t.id, next, interval);
      else this.tats.delete(t.id);
    }
    for (const id of req.concurrency) {
      const held = this.leases.get(id);
      if (held?.delete(req.lease) && held.size === 0) this.leases.delete(id);
    }
    const spent: number[] = [];
    const softCrossed: boolean[] = [];
    for (const b of req.budgets) {
      let s = this.budgets.get(b.id);
      if (!s) this.budgets.set(b.id, (s = newBudget(0, b.expiresAt)));
      const held = s.leases.get(req.lease);
      if (held) {
        s.reserved -= held[0];
        s.leases.delete(req.lease);
      }
      s.spent += b.actual;
      const crossed = !s.softFired && s.spent >= b.soft;
      if (crossed) s.softFired = true;
      spent.push(s.spent);
      softCrossed.push(crossed);
    }
    return { spent, softCrossed };
  }

  seedBudgets(seeds: readonly BudgetSeed[]): void {
    for (const seed of seeds) {
      if (this.budgets.has(seed.id)) continue;
      const s = newBudget(seed.spent, seed.expiresAt);
      s.softFired = seed.spent >= seed.soft;
      this.budgets.set(seed.id, s);
    }
  }

  /** Counters currently held, for tests and the benchmark. */
  get size(): { rates: number; concurrency: number; budgets: number } {
    return { rates: this.tats.size, concurrency: this.leases.size, budgets: this.budgets.size };
  }

  sweep(now: number): void {
    for (const [id, s] of this.tats) if (s.tat <= now) this.tats.delete(id);
    for (const [id, held] of this.leases) {
      for (const [lease, exp] of held) if (exp <= now) held.delete(lease);
      if (held.size === 0) this.leases.delete(id);
    }
    for (const [id, b] of this.budgets) if (b.expiresAt <= now) this.budgets.delete(id);
  }

  private tatOf(id: string, now: number, t: number): number {
    const s = this.tats.get(id);
    return s === undefined ? 0 : rescaleTat(s.tat, now, s.t, t);
  }

  private setTat(id: string, tat: number, t: number): void {
    const s = this.tats.get(id);
    if (s === undefined) this.tats.set(id, { tat, t });
    else {
      s.tat = tat;
      s.t = t;
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}

function newBudget(spent: number, expiresAt: number): Budget {
  return { spent, reserved: 0, leases: new Map(), softFired: false, exhaustedFired: false, expiresAt };
}

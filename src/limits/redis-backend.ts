import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import type {
  AdmitRequest, AdmitResult, BudgetSeed, LimitBackend, RateState, Refusal, SettleRequest, SettleResult,
} from "./backend.js";
import { ADMIT_LUA, SEED_LUA, SETTLE_LUA } from "./redis-scripts.js";

/** EVALSHA with a fall-back to EVAL when Redis has not seen the script yet (first call, restart, SCRIPT FLUSH). */
class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash("sha1").update(source).digest("hex");
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!String((err as Error).message).startsWith("NOSCRIPT")) throw err;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

const admitScript = new LuaScript(ADMIT_LUA);
const settleScript = new LuaScript(SETTLE_LUA);
const seedScript = new LuaScript(SEED_LUA);

/**
 * Counters in Redis, shared by every Keel instance pointed at it: one EVALSHA per admission and
 * one per settle, each atomic. Single-node Redis (or Sentinel): a call's keys are not co-located
 * by hash tag, so Redis Cluster is not supported.
 */
export class RedisBackend implements LimitBackend {
  readonly kind = "redis" as const;

  /** `ownsClient`: close() disconnects it (false when the caller shares the client). */
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly ownsClient = true) {}

  async admit(req: AdmitRequest): Promise<AdmitResult> {
    const p = this.prefix;
    const keys: string[] = [];
    const args: (string | number)[] = [req.now, req.lease, req.leaseExpiresAt, req.rates.length, req.concurrency.length, req.budgets.length];
    for (const r of req.rates) {
      keys.push(`${p}r:${r.id}`);
      args.push(r.limit, r.periodMs, r.cost);
    }
    for (const c of req.concurrency) {
      keys.push(`${p}c:${c.id}`);
      args.push(c.max);
    }
    for (const b of req.budgets) {
      keys.push(`${p}b:${b.id}`);
      args.push(b.limit, Math.round(b.cost), Math.round(b.expiresAt));
    }
    for (const b of req.budgets) keys.push(`${p}b:${b.id}:l`);
    const reply = (await admitScript.run(this.redis, keys, args)) as [number, unknown[]];
    if (reply[0] === 1) {
      const flat = reply[1] as (number | string)[];
      const rates: RateState[] = [];
      for (let i = 0; i < flat.length; i += 2) rates.push({ remaining: Number(flat[i]), resetMs: Number(flat[i + 1]) });
      return { ok: true, rates };
    }
    return { ok: false, refusals: (reply[1] as (string | number)[][]).map(toRefusal) };
  }

  async settle(req: SettleRequest): Promise<SettleResult> {
    const p = this.prefix;
    const keys: string[] = [];
    const args: (string | number)[] = [req.now, req.lease, req.tokens.length, req.concurrency.length, req.budgets.length];
    for (const t of req.tokens) {
      keys.push(`${p}r:${t.id}`);
      args.push(t.limit, t.periodMs, t.delta);
    }
    for (const id of req.concurrency) keys.push(`${p}c:${id}`);
    for (const b of req.budgets) {
      keys.push(`${p}b:${b.id}`);
      args.push(Math.round(b.actual), Math.round(b.soft), Math.round(b.expiresAt));
    }
    for (const b of req.budgets) keys.push(`${p}b:${b.id}:l`);
    const flat = (await settleScript.run(this.redis, keys, args)) as number[];
    const spent: number[] = [];
    const softCrossed: boolean[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      spent.push(Number(flat[i]));
      softCrossed.push(flat[i + 1] === 1);
    }
    return { spent, softCrossed };
  }

  async seedBudgets(seeds: readonly BudgetSeed[]): Promise<void> {
    for (let i = 0; i < seeds.length; i += 500) {
      const batch = seeds.slice(i, i + 500);
      await seedScript.run(
        this.redis,
        batch.map((s) => `${this.prefix}b:${s.id}`),
        batch.flatMap((s) => [Math.round(s.spent), Math.round(s.soft), Math.round(s.expiresAt)]),
      );
    }
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}

function toRefusal(r: (string | number)[]): Refusal {
  const index = Number(r[1]);
  if (r[0] === "rate") {
    const retry = Number(r[2]);
    return { kind: "rate", index, retryAfterMs: retry < 0 ? Number.POSITIVE_INFINITY : retry, remaining: Number(r[3]), resetMs: Number(r[4]) };
  }
  if (r[0] === "concurrency") return { kind: "concurrency", index, inFlight: Number(r[2]) };
  return { kind: "budget", index, spent: Number(r[2]), reserved: Number(r[3]), first: Number(r[4]) === 1 };
}

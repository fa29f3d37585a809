import type { Logger } from "../observe/log.js";
import { connectRedis } from "../store/redis.js";
import type { RedisConfig } from "../store/redis-schema.js";
import type { LimitBackend } from "./backend.js";
import { type BudgetEventStore, deferredSinks, logBudgetEvents } from "./budget-events.js";
import { periodWindow } from "./budget-period.js";
import type { KeyLimits } from "./key-limits.js";
import { Limiter } from "./limiter.js";
import type { BudgetsConfig, LimitsConfig } from "./limits-schema.js";
import { MemoryBackend } from "./memory-backend.js";
import { RedisBackend } from "./redis-backend.js";
import { compileRules } from "./rules.js";
import { budgetSeeds } from "./seed.js";
import { countTextTokens } from "../tokens/count.js";
import { SpendRecorder } from "./spend/spend-recorder.js";
import type { SpendRow, SpendStore } from "./spend/spend-types.js";

export interface LimitsDeps {
  readonly limits: LimitsConfig;
  readonly budgets: BudgetsConfig;
  readonly redis: RedisConfig;
  readonly spendStore: SpendStore;
  /** Where the ledger's upserts go when not `spendStore` on this thread (SpendRecorderOptions.sink). */
  readonly spendSink?: (rows: readonly SpendRow[]) => Promise<void>;
  readonly budgetEvents: BudgetEventStore;
  readonly log: Logger;
  /** A virtual key's own limits (null when it has none or does not exist). */
  readonly keyLimits: (keyId: string) => KeyLimits | null;
  /** Longest a call can last; leases outlive it. */
  readonly requestTimeoutMs: number;
}

/** The limits layer as the rest of Keel sees it. */
export interface LimitsLayer {
  readonly limiter: Limiter;
  readonly spend: SpendRecorder;
  readonly spendStore: SpendStore;
  readonly events: BudgetEventStore;
  /** Rebuilds one key's budget counters from recorded spend (after its limits change). */
  reseedKey(keyId: string): Promise<void>;
  close(): Promise<void>;
}

const SPEND_FLUSH_MS = 1_000;
const LEASE_MARGIN_MS = 60_000;

/**
 * Builds the layer once at start-up: the backend (connecting to Redis when configured — an
 * unreachable Redis stops start-up with a message saying where), the spend ledger, the event
 * sinks, and budget counters seeded from this month's recorded spend.
 */
export async function createLimits(d: LimitsDeps): Promise<LimitsLayer> {
  const backend: LimitBackend =
    d.limits.backend === "redis"
      ? new RedisBackend(await connectRedis(d.redis, "limits.backend: redis"), d.redis.key_prefix)
      : new MemoryBackend();
  try {
    const spendStore = d.spendStore;
    const events = d.budgetEvents;
    const spend = new SpendRecorder(spendStore, {
      flushIntervalMs: SPEND_FLUSH_MS,
      ...(d.spendSink ? { sink: d.spendSink } : {}),
      onError: (err) => d.log.error("spend write failed; retrying", { error: String(err) }),
    });
    const rules = compileRules(d.limits, d.budgets);
    const seed = async (keyId?: string): Promise<void> => {
      const now = Date.now();
      const rows = spendStore.rowsSince(`${periodWindow("month", now).id}-01`).filter((r) => keyId === undefined || r.keyId === keyId);
      await backend.seedBudgets(budgetSeeds(rules, rows, d.keyLimits, now));
    };
    await seed();
    // The tokenizer builds its tables on first use (hundreds of ms, ~70 MB): when rules will count
    // tokens, pay that now, not inside the first call's admission, where a stalled event loop would
    // also time out Redis commands. With no rules configured the gateway never loads it.
    if (d.limits.rules.length > 0 || d.budgets.rules.length > 0) countTextTokens("warm up");
    const limiter = new Limiter({
      rules,
      backend,
      events: deferredSinks([events, logBudgetEvents(d.log)], (err) => d.log.error("budget event sink failed", { error: String(err) })),
      log: d.log,
      onBackendError: d.limits.on_redis_error,
      leaseTtlMs: d.requestTimeoutMs + LEASE_MARGIN_MS,
    });
    return {
      limiter,
      spend,
      spendStore,
      events,
      async reseedKey(keyId) {
        await spend.settle();
        await seed(keyId);
      },
      async close() {
        await spend.close();
        await backend.close();
      },
    };
  } catch (err) {
    await backend.close();
    throw err;
  }
}

import type { PriceConfig } from "../observe/price-schema.js";
import type { BudgetCheck, ConcurrencyCheck, RateCheck } from "./backend.js";
import { PeriodClock, type PeriodWindow } from "./budget-period.js";
import { CounterIds, type RuleIds } from "./counter-ids.js";
import { type Estimate, estimate, usdToNano } from "./estimate.js";
import type { KeyLimits } from "./key-limits.js";
import {
  type BudgetLimits, budgetLimitsFor, type CallAttributes, type CompiledRule, type CompiledRules, type RateLimits, rateLimitsFor,
} from "./rules.js";

const MINUTE = 60_000;
/** Budget counters outlive their period by a day, so a call settling just after midnight still finds its counter. */
export const BUDGET_GRACE_MS = 86_400_000;

export interface CallInput {
  readonly attrs: CallAttributes;
  /** The virtual key's own limits. */
  readonly keyLimits: KeyLimits | null;
  /** Counted only when a tokens limit or a budget applies: counting a long prompt is the dearest step. */
  readonly promptTokens: () => number;
  readonly outputTokens: number;
  readonly price: PriceConfig | null;
}

export interface PlannedRate extends RateCheck {
  readonly rule: CompiledRule<RateLimits>;
  readonly unit: "requests" | "tokens";
}

export interface PlannedConcurrency extends ConcurrencyCheck {
  readonly rule: CompiledRule<RateLimits>;
}

export interface PlannedBudget extends BudgetCheck {
  readonly rule: CompiledRule<BudgetLimits>;
  readonly window: PeriodWindow;
  readonly limitUsd: number;
  /** nano-USD at which the soft-threshold event fires. */
  readonly soft: number;
}

/** Every counter one call touches, with the limits that apply to it. */
export interface Plan {
  readonly attrs: CallAttributes;
  readonly rates: PlannedRate[];
  readonly concurrency: PlannedConcurrency[];
  readonly budgets: PlannedBudget[];
  /** Present when a tokens limit or a budget needed it. */
  readonly estimate: Estimate | null;
}

/**
 * Rules × one call's attributes → the counters to check. Pure but for two caches that only save
 * work (counter ids, the current periods). null when nothing applies, which with no rules
 * configured and no key limits is decided before any work.
 */
export class Planner {
  private readonly ids = new CounterIds();
  private readonly periods = new PeriodClock();

  constructor(private readonly rules: CompiledRules) {}

  plan(call: CallInput, now: number): Plan | null {
    const rules = this.rules;
    if (rules.empty && call.keyLimits === null) return null;
    const a = call.attrs;
    let est: Estimate | null = null;
    const rates: PlannedRate[] = [];
    const concurrency: PlannedConcurrency[] = [];
    const budgets: PlannedBudget[] = [];

    for (const rule of rules.rates) {
      if (rule.match !== null && !rule.match(a)) continue;
      const lim = rateLimitsFor(rule, call.keyLimits);
      if (lim.rpm === undefined && lim.tpm === undefined && lim.concurrency === undefined) continue;
      const ids = this.ids.get(rule, a);
      if (ids === null) continue;
      if (lim.rpm !== undefined) rates.push({ id: ids.rpm, limit: lim.rpm, periodMs: MINUTE, cost: 1, rule, unit: "requests" });
      if (lim.tpm !== undefined) {
        est ??= estimate(call.promptTokens(), call.outputTokens, call.price);
        rates.push({ id: ids.tpm, limit: lim.tpm, periodMs: MINUTE, cost: est.tokens, rule, unit: "tokens" });
      }
      if (lim.concurrency !== undefined) concurrency.push({ id: ids.base, max: lim.concurrency, rule });
    }

    for (const rule of rules.budgets) {
      if (rule.match !== null && !rule.match(a)) continue;
      const lim = budgetLimitsFor(rule, call.keyLimits);
      if (lim.dailyUsd === undefined && lim.monthlyUsd === undefined) continue;
      const ids = this.ids.get(rule, a);
      if (ids === null) continue;
      const { day, month } = this.periods.windows(now);
      est ??= estimate(call.promptTokens(), call.outputTokens, call.price);
      if (lim.dailyUsd !== undefined) budgets.push(budgetCheck(rule, dayId(ids, day), day, lim.dailyUsd, lim.softThreshold, est.costNano));
      if (lim.monthlyUsd !== undefined) budgets.push(budgetCheck(rule, monthId(ids, month), month, lim.monthlyUsd, lim.softThreshold, est.costNano));
    }

    if (rates.length === 0 && concurrency.length === 0 && budgets.length === 0) return null;
    return { attrs: a, rates, concurrency, budgets, estimate: est };
  }
}

function dayId(ids: RuleIds, w: PeriodWindow): string {
  if (ids.dayPeriod !== w.id) {
    ids.dayPeriod = w.id;
    ids.day = `${ids.base}|${w.id}`;
  }
  return ids.day;
}

function monthId(ids: RuleIds, w: PeriodWindow): string {
  if (ids.monthPeriod !== w.id) {
    ids.monthPeriod = w.id;
    ids.month = `${ids.base}|${w.id}`;
  }
  return ids.month;
}

function budgetCheck(rule: CompiledRule<BudgetLimits>, id: string, window: PeriodWindow, usd: number, threshold: number, cost: number): PlannedBudget {
  const limit = usdToNano(usd);
  return { id, limit, cost, expiresAt: window.endsAt + BUDGET_GRACE_MS, rule, window, limitUsd: usd, soft: Math.floor(limit * threshold) };
}

import type { BudgetSeed } from "./backend.js";
import { BUDGET_GRACE_MS } from "./plan.js";
import { PeriodClock } from "./budget-period.js";
import { usdToNano } from "./estimate.js";
import type { KeyLimits } from "./key-limits.js";
import { budgetLimitsFor, type CallAttributes, type CompiledRules, counterId } from "./rules.js";
import type { SpendRow } from "./spend/spend-types.js";

/**
 * Budget counters rebuilt from recorded spend, so a restart does not forget today's or this
 * month's spend. Pure: the rows come from the spend store; backends set only counters that do not
 * exist yet (in Redis, another instance may already hold the live figure).
 */
export function budgetSeeds(rules: CompiledRules, rows: readonly SpendRow[], keyLimits: (keyId: string) => KeyLimits | null, now: number): BudgetSeed[] {
  const { day, month } = new PeriodClock().windows(now);
  const seeds = new Map<string, { spent: number; soft: number; expiresAt: number }>();
  const add = (id: string, usd: number, limitUsd: number, threshold: number, endsAt: number): void => {
    const s = seeds.get(id);
    if (s) s.spent += usd;
    else seeds.set(id, { spent: usd, soft: Math.floor(usdToNano(limitUsd) * threshold), expiresAt: endsAt + BUDGET_GRACE_MS });
  };
  for (const row of rows) {
    if (row.costUsd === 0) continue;
    const a: CallAttributes = { key: row.keyId, user: row.user, team: row.team, feature: row.feature, model: row.model };
    const own = row.keyId === null ? null : keyLimits(row.keyId);
    for (const rule of rules.budgets) {
      if (rule.match !== null && !rule.match(a)) continue;
      const lim = budgetLimitsFor(rule, own);
      const id = counterId(rule, a);
      if (id === null) continue;
      if (lim.dailyUsd !== undefined && row.day === day.id) add(`${id}|${day.id}`, row.costUsd, lim.dailyUsd, lim.softThreshold, day.endsAt);
      if (lim.monthlyUsd !== undefined && row.day.startsWith(month.id)) add(`${id}|${month.id}`, row.costUsd, lim.monthlyUsd, lim.softThreshold, month.endsAt);
    }
  }
  return [...seeds].map(([id, s]) => ({ id, spent: usdToNano(s.spent), soft: s.soft, expiresAt: s.expiresAt }));
}

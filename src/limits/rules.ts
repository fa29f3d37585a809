import type { KeyLimits } from "./key-limits.js";
import {
  type BudgetsConfig, type BudgetRuleConfig, type Dimension, type LimitsConfig, type RateRuleConfig, ruleNameOf,
} from "./limits-schema.js";

/** The attributes of one call that rules select on. null: the call has no such attribute. */
export interface CallAttributes {
  readonly key: string | null;
  readonly user: string | null;
  readonly team: string | null;
  readonly feature: string | null;
  /** Public model name, aliases resolved. */
  readonly model: string | null;
}

export interface CompiledRule<L> {
  readonly name: string;
  readonly scope: readonly Dimension[];
  readonly match: ((a: CallAttributes) => boolean) | null;
  readonly limits: L;
  /** Scope `[key]` without match: a key's own limits replace these values for that key. */
  readonly keyDefault: boolean;
}

export interface RateLimits {
  readonly rpm?: number;
  readonly tpm?: number;
  readonly concurrency?: number;
}

export interface BudgetLimits {
  readonly dailyUsd?: number;
  readonly monthlyUsd?: number;
  readonly softThreshold: number;
}

export interface CompiledRules {
  readonly rates: readonly CompiledRule<RateLimits>[];
  readonly budgets: readonly CompiledRule<BudgetLimits>[];
  /** True when no configured rule exists: only keys with their own limits are checked. */
  readonly empty: boolean;
}

/** Validated config → rules ready for the hot path. Keys with their own limits need a per-key rule: one is added when none is configured. */
export function compileRules(limits: LimitsConfig, budgets: BudgetsConfig): CompiledRules {
  const rates: CompiledRule<RateLimits>[] = limits.rules.map((r) => compile(r, { rpm: r.rpm, tpm: r.tpm, concurrency: r.concurrency }));
  const budgetRules: CompiledRule<BudgetLimits>[] = budgets.rules.map((r) => compile(r, budgetLimits(r, budgets.soft_threshold)));
  const empty = rates.length === 0 && budgetRules.length === 0;
  if (!rates.some((r) => r.keyDefault)) rates.push(implicitKeyRule(rates, {}));
  if (!budgetRules.some((r) => r.keyDefault)) budgetRules.push(implicitKeyRule(budgetRules, { softThreshold: budgets.soft_threshold }));
  return { rates, budgets: budgetRules, empty };
}

/** The rate limits that apply to a call under this rule, a key's own limits taking precedence. */
export function rateLimitsFor(rule: CompiledRule<RateLimits>, own: KeyLimits | null): RateLimits {
  if (!rule.keyDefault || own === null) return rule.limits;
  return {
    rpm: own.rpm ?? rule.limits.rpm,
    tpm: own.tpm ?? rule.limits.tpm,
    concurrency: own.max_concurrency ?? rule.limits.concurrency,
  };
}

export function budgetLimitsFor(rule: CompiledRule<BudgetLimits>, own: KeyLimits | null): BudgetLimits {
  if (!rule.keyDefault || own === null) return rule.limits;
  return {
    dailyUsd: own.daily_usd ?? rule.limits.dailyUsd,
    monthlyUsd: own.monthly_usd ?? rule.limits.monthlyUsd,
    softThreshold: rule.limits.softThreshold,
  };
}

/**
 * The counter id of a call under a rule: the rule's name and the call's values for the rule's
 * scope, or null when the call lacks one of them (a per-user rule does not apply to calls without a
 * user). `|` cannot occur in key ids, users, teams or features, so ids never collide.
 */
export function counterId(rule: CompiledRule<unknown>, a: CallAttributes): string | null {
  let id = rule.name;
  for (const d of rule.scope) {
    const v = a[d];
    if (v === null) return null;
    id += `|${v}`;
  }
  return id;
}

/** `key=key_abc, model=gpt-4o`: a counter's scope for people. */
export function describeScope(rule: CompiledRule<unknown>, a: CallAttributes): string {
  return rule.scope.map((d) => `${d}=${a[d]}`).join(", ");
}

export function scopeValues(rule: CompiledRule<unknown>, a: CallAttributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of rule.scope) out[d] = a[d] ?? "";
  return out;
}

function compile<L>(r: RateRuleConfig | BudgetRuleConfig, limits: L): CompiledRule<L> {
  const hasMatch = r.match !== undefined && Object.values(r.match).some((v) => v !== undefined);
  return {
    name: ruleNameOf(r),
    scope: r.scope,
    match: hasMatch ? matcher(r.match!) : null,
    limits,
    keyDefault: !hasMatch && r.scope.length === 1 && r.scope[0] === "key",
  };
}

function budgetLimits(r: BudgetRuleConfig, soft: number): BudgetLimits {
  return { dailyUsd: r.daily_usd, monthlyUsd: r.monthly_usd, softThreshold: r.soft_threshold ?? soft };
}

function implicitKeyRule<L>(existing: readonly CompiledRule<unknown>[], limits: L): CompiledRule<L> {
  const name = existing.some((r) => r.name === "key") ? "key.own" : "key";
  return { name, scope: ["key"], match: null, limits, keyDefault: true };
}

function matcher(match: NonNullable<RateRuleConfig["match"]>): (a: CallAttributes) => boolean {
  const tests: [Dimension, ReadonlySet<string>][] = [];
  for (const [d, v] of Object.entries(match) as [Dimension, string | string[] | undefined][]) {
    if (v !== undefined) tests.push([d, new Set(Array.isArray(v) ? v : [v])]);
  }
  return (a) => {
    for (const [d, allowed] of tests) {
      const v = a[d];
      if (v === null || !allowed.has(v)) return false;
    }
    return true;
  };
}

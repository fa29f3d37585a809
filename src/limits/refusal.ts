import { KeelError } from "../errors/errors.js";
import type { Refusal } from "./backend.js";
import type { Plan, PlannedBudget } from "./plan.js";
import { headersFor } from "./rate-headers.js";
import { describeScope } from "./rules.js";

/**
 * Which refusal the caller hears about when several checks refused: a budget (nothing helps until
 * it resets), then the rate limit with the longest wait, then concurrency.
 */
export function worstRefusal(refusals: readonly Refusal[]): Refusal {
  let best = refusals[0];
  for (const r of refusals) if (rank(r) > rank(best)) best = r;
  return best;
}

function rank(r: Refusal): number {
  if (r.kind === "budget") return Number.MAX_VALUE;
  if (r.kind === "rate") return 1 + r.retryAfterMs;
  return 0;
}

/** The 429 for a refusal: which limit (rule, scope, value), how much was asked, and when to retry. */
export function refusalError(plan: Plan, r: Refusal, now: number): KeelError {
  const a = plan.attrs;
  if (r.kind === "budget") return budgetError(plan.budgets[r.index], plan, r.spent, r.reserved, now);
  if (r.kind === "concurrency") {
    const c = plan.concurrency[r.index];
    return new KeelError(
      "rate_limited",
      `Concurrency limit reached: ${c.max} requests in flight at once (limit "${c.rule.name}", ${describeScope(c.rule, a)}). Retry when one finishes.`,
      { retryAfter: 1 },
    );
  }
  const rate = plan.rates[r.index];
  const where = `limit "${rate.rule.name}", ${describeScope(rate.rule, a)}`;
  const headers = headersFor(rate, { remaining: r.remaining, resetMs: r.resetMs });
  if (rate.unit === "requests") {
    return new KeelError(
      "rate_limited",
      `Rate limit reached for requests per minute (${where}): limit ${rate.limit}. Try again in ${seconds(r.retryAfterMs)}.`,
      { retryAfter: r.retryAfterMs / 1000, headers },
    );
  }
  const est = plan.estimate!;
  const asked = `requested ${rate.cost} (prompt ${est.promptTokens} + up to ${est.outputTokens} completion tokens)`;
  if (r.retryAfterMs === Number.POSITIVE_INFINITY) {
    return new KeelError(
      "rate_limited",
      `Request too large for tokens per minute (${where}): limit ${rate.limit}, ${asked}. Lower max_tokens or shorten the prompt.`,
      { headers },
    );
  }
  return new KeelError(
    "rate_limited",
    `Rate limit reached for tokens per minute (${where}): limit ${rate.limit}, remaining ${r.remaining}, ${asked}. Try again in ${seconds(r.retryAfterMs)}; a lower max_tokens reserves less.`,
    { retryAfter: r.retryAfterMs / 1000, headers },
  );
}

function budgetError(b: PlannedBudget, plan: Plan, spentNano: number, reservedNano: number, now: number): KeelError {
  const period = b.window.period === "day" ? "Daily" : "Monthly";
  const reserved = reservedNano > 0 ? ` (+${usd(reservedNano / 1e9)} held by calls in flight)` : "";
  const reset = new Date(b.window.endsAt).toISOString().replace(".000Z", "Z");
  return new KeelError(
    "budget_exceeded",
    `${period} budget exceeded (budget "${b.rule.name}", ${describeScope(b.rule, plan.attrs)}): limit ${usd(b.limitUsd)}, spent ${usd(spentNano / 1e9)}${reserved}; ` +
      `this call may cost up to ${usd(b.cost / 1e9)}. The budget resets at ${reset}.`,
    { retryAfter: Math.max(1, (b.window.endsAt - now) / 1000), headers: { "x-keel-budget-reset": reset } },
  );
}

function usd(v: number): string {
  return v >= 1 ? `$${v.toFixed(2)}` : `$${Number(v.toPrecision(3))}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.max(1, Math.ceil(ms))}ms` : `${(Math.ceil(ms / 100) / 10).toFixed(1)}s`;
}

import type { ServerResponse } from "node:http";
import { dayId } from "../limits/budget-period.js";
import { chatOutputBound } from "../limits/estimate.js";
import type { LimitTicket } from "../limits/limiter.js";
import type { CallInput } from "../limits/plan.js";
import type { TraceRecord } from "../observe/types.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";

/**
 * [limits] admission, right after model resolution: rate limits and budgets for this call, all
 * or nothing. Refusal throws the 429; admission sets x-ratelimit-* on the response that follows.
 * Returns a promise only with the Redis backend, so the in-process path stays synchronous.
 */
export function admitLimits(ctx: GatewayContext, deps: GatewayDeps, res: ServerResponse): void | Promise<void> {
  const p = ctx.principal!;
  const model = ctx.model!;
  const body = ctx.body!;
  const fallback = deps.config.limits.default_max_tokens;
  const call: CallInput = {
    attrs: { key: p.keyId, user: ctx.user, team: p.team, feature: ctx.feature, model: model.name },
    keyLimits: p.limits,
    // Counted only if a token rule or budget asks, once per request (routing and finalisation read the same count).
    promptTokens: ctx.memo.promptTokens,
    outputTokens: ctx.endpoint === "chat" ? chatOutputBound(body as { max_tokens?: unknown; max_completion_tokens?: unknown; n?: unknown }, fallback) : 0,
    price: model.price,
  };
  const ticket = deps.limits.limiter.admit(call, ctx.requestId);
  if (ticket instanceof Promise) return ticket.then((t) => hold(ctx, res, t));
  hold(ctx, res, ticket);
}

function hold(ctx: GatewayContext, res: ServerResponse, ticket: LimitTicket): void {
  ctx.limits = ticket;
  if (ticket.headers) for (const k in ticket.headers) res.setHeader(k, ticket.headers[k]);
}

/**
 * [limits] settle, after the trace is built, whatever happened to the call: releases concurrency
 * leases and reservations, charges actual tokens and cost, and records spend. `record` is null
 * only if trace finalisation itself failed; the reservation then stands as the charge.
 */
export function settleLimits(ctx: GatewayContext, deps: GatewayDeps, record: TraceRecord | null): void {
  const ticket = ctx.limits;
  if (ticket === null) return;
  ctx.limits = null;
  try {
    // Unknown usage — an upstream attempt failed before any answer — keeps the token reservation,
    // as providers count such calls; a call refused before any attempt (a guard) used nothing.
    // Cost follows the trace, so spend, budgets and traces agree.
    const known = record !== null && record.usageSource !== "none";
    deps.limits.limiter.settle(ticket, {
      tokens: known ? record.tokensIn + record.tokensOut : ctx.attempts.length === 0 ? 0 : null,
      costUsd: record === null ? null : record.costUsd,
    });
    if (record !== null) {
      deps.limits.spend.record({
        day: dayId(record.startedAt), keyId: record.keyId, user: record.user, team: ctx.principal?.team ?? null, feature: record.feature,
        model: ctx.model?.name ?? record.modelRequested, requests: 1, tokensIn: record.tokensIn, tokensOut: record.tokensOut, costUsd: record.costUsd,
      });
    }
  } catch (err) {
    deps.log.error("limits settle failed", { request_id: ctx.requestId, error: String(err) });
  }
}

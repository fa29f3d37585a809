import { readJsonBody } from "../server/body.js";
import { admitModel, attribute } from "./admission.js";
import { finalizeTrace } from "./finalize.js";
import { settleBodyOfRecord } from "./guard-step.js";
import { admitLimits, settleLimits } from "./limit-step.js";
import type { ResolvedModel } from "../routing/model-registry.js";
import { stripKeelFields } from "./normalize.js";
import type { DeferredStage, Stage } from "./pipeline.js";

/**
 * The stages every surface shares, as static objects: each is glue over its step module
 * (admission.ts, limit-step.ts, normalize.ts, guard-step.ts, finalize.ts), where the logic and its
 * reasons live. A surface's list (chat-pipeline.ts, embeddings-pipeline.ts) puts them in order
 * around its own stages.
 */

/** `Authorization: Bearer` → principal, from the in-memory key index (401 otherwise). */
export const authenticate: Stage = {
  name: "authenticate",
  run(ctx, deps, req) {
    ctx.principal = deps.keys.authenticate(req.headers.authorization);
  },
};

/** The bounded JSON body (413 over server.max_body_bytes, 400 for bad JSON). */
export const read: Stage = {
  name: "read",
  async run(ctx, deps, req) {
    ctx.raw = await readJsonBody(req, deps.config.server.max_body_bytes);
  },
};

/** User and feature from headers, the sent body's `user`/`metadata`, or the key. */
export const attributeCall: Stage = {
  name: "attribute",
  run(ctx) {
    attribute(ctx, ctx.sent as { user?: unknown; metadata?: unknown });
  },
};

/** Model lookup and the key's allow-list, for a surface serving models of `kind`. */
export function admitModelStage(kind: ResolvedModel["type"]): Stage {
  return {
    name: "admit model",
    run(ctx, deps) {
      ctx.model = admitModel(ctx, deps, ctx.modelRequested, kind);
    },
  };
}

/** Rate limits and budgets, all or nothing; only the Redis backend returns a promise. */
export const limits: Stage = {
  name: "limits",
  run(ctx, deps, _req, res) {
    return admitLimits(ctx, deps, res);
  },
};

/**
 * The gateway, not a layer, strips Keel-only fields from whatever the layers before it left
 * (the input guard's screened body, else the body): the result is the body of record, what goes
 * upstream and what the trace stores. After every stage that reads those fields, before routing.
 */
export const normalise: Stage = {
  name: "normalise",
  run(ctx) {
    ctx.bodyOfRecord = stripKeelFields((ctx.bodyOfRecord ?? ctx.body) as Record<string, unknown>);
  },
};

// Deferred: the response is out.

/** Log-only guard scanners run now, before the trace is written. */
export const deferredGuard: DeferredStage = {
  name: "deferred guard",
  always: false,
  run(ctx) {
    if (ctx.guard) return ctx.guard.runDeferred();
  },
};

/** The body the trace stores, for calls refused before the normalise stage too (decision 0014). */
export const recordBody: DeferredStage = {
  name: "record body",
  always: false,
  run(ctx, deps) {
    return settleBodyOfRecord(ctx, deps.guard, deps.config.traces.capture !== "none");
  },
};

/** The trace record, queued for the writer; metrics, OTLP and rollout comparisons are fed from it. */
export const finalise: DeferredStage = {
  name: "finalise",
  always: false,
  run(ctx, deps) {
    ctx.record = finalizeTrace(ctx, deps);
  },
};

/** Leases and reservations released, actual usage charged — on every path, even when finalisation failed. */
export const settle: DeferredStage = {
  name: "settle",
  always: true,
  run(ctx, deps) {
    settleLimits(ctx, deps, ctx.record);
  },
};

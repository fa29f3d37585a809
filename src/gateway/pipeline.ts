import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import type { TraceContext } from "./trace-context.js";

/**
 * The gateway's request path as data: each inbound surface (chat completions, embeddings, and
 * every later one) declares its stages once, in order, as a static array, and one runner walks it
 * (docs/decisions/0015-one-ordered-stage-list.md). A stage reads and fills the request's context;
 * it ends the request by throwing a `KeelError`, which `routes.ts` answers in OpenAI's shape.
 */

/** Every stage's name: the list documents itself, and a name is what a trace or a profile would show. */
export type StageName =
  | "authenticate"
  | "read"
  | "prompt header"
  | "validate"
  | "attribute"
  | "prompt"
  | "admit model"
  | "check target"
  | "limits"
  | "guard input"
  | "normalise"
  | "cache"
  | "route and call"
  | "guard output"
  | "respond"
  | "deferred guard"
  | "record body"
  | "finalise"
  | "cache store"
  | "settle";

/**
 * One step of the request path. `run` returns a promise only where the step waits on something
 * (the body, the Redis limiter, a scanner, the provider): the runner awaits nothing else, so a
 * synchronous step costs a call and an `undefined` check. Stages are module-level objects, never
 * built per request.
 */
export interface Stage<C extends GatewayContext = GatewayContext> {
  readonly name: StageName;
  // Method syntax on purpose: a stage written for any GatewayContext fits every surface's list.
  run(ctx: C, deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** A step after the response has been sent: guard scanners that only log, the trace, settling limits. */
export interface DeferredStage<C extends GatewayContext = GatewayContext> {
  readonly name: StageName;
  /** Runs even when an earlier deferred stage failed (settling leases and reservations). */
  readonly always: boolean;
  run(ctx: C, deps: GatewayDeps): void | Promise<void>;
}

/** One inbound surface: how its context is made, its stages in order, and what runs after the response. */
export interface Surface<C extends GatewayContext = GatewayContext> {
  readonly create: (requestId: string, headers: IncomingHttpHeaders, trace: TraceContext) => C;
  readonly stages: readonly Stage<C>[];
  readonly deferred: readonly DeferredStage<C>[];
  /** The surface's own error shape (Anthropic's for /v1/messages); absent: OpenAI's (server/respond.ts). */
  readonly sendError?: (res: ServerResponse, err: unknown) => number;
}

/** Walks a surface's stages in order; the first throw ends the request. */
export async function runStages<C extends GatewayContext>(stages: readonly Stage<C>[], ctx: C, deps: GatewayDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  for (let i = 0; i < stages.length; i++) {
    const pending = stages[i].run(ctx, deps, req, res);
    if (pending) await pending;
    // A stage that answered (a cache hit) ends the list: nothing after it runs.
    if (ctx.answered) return;
  }
}

/**
 * Walks the deferred stages. A failure is logged once and skips the rest, except stages marked
 * `always` — so leases and reservations are released on every path, even when finalisation failed.
 */
export async function runDeferred<C extends GatewayContext>(stages: readonly DeferredStage<C>[], ctx: C, deps: GatewayDeps): Promise<void> {
  let failed = false;
  for (let i = 0; i < stages.length; i++) {
    const stage = stages[i];
    if (failed && !stage.always) continue;
    try {
      const pending = stage.run(ctx, deps);
      if (pending) await pending;
    } catch (err) {
      failed = true;
      deps.log.error("trace finalisation failed", { request_id: ctx.requestId, error: String(err) });
    }
  }
}

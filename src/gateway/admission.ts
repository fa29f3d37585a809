import { KeelError } from "../errors/errors.js";
import type { GatewayContext } from "./context.js";
import type { GatewayDeps } from "./deps.js";
import type { ResolvedModel } from "../routing/model-registry.js";
import { promptCounterFor } from "../tokens/model-tokenizer.js";

const HEADER_VALUE = /^[\w.@:/ -]{1,128}$/;

/** Model lookup and the key's model allow-list: 404 for unknown, 403 for not allowed, 400 for the wrong kind. */
export function admitModel(ctx: GatewayContext, deps: GatewayDeps, name: string, want: ResolvedModel["type"]): ResolvedModel {
  const model = deps.models.resolve(name);
  if (!model) throw new KeelError("model_not_found", `The model '${name}' does not exist or is not configured.`, { param: "model" });
  const allowed = ctx.principal?.models;
  if (allowed && !allowed.has(name) && !allowed.has(model.name)) {
    throw new KeelError("model_not_allowed", `This API key may not use model '${name}'.`, { param: "model" });
  }
  if (model.type !== want) {
    const what = want === "chat" ? "chat completions" : "embeddings";
    throw new KeelError("invalid_request", `The model '${name}' does not serve ${what}.`, { param: "model" });
  }
  // Before any stage counts the prompt: limits, routing and count_tokens all read the memo's one count.
  if (want === "chat") ctx.promptCounter = promptCounterFor(providerKind(deps, model.provider), model.upstream);
  return model;
}

// A provider that is not running is routing's error to report (503 at the call), not admission's.
function providerKind(deps: GatewayDeps, name: string): string {
  try {
    return deps.providers.get(name).kind;
  } catch {
    return "";
  }
}

/**
 * User and feature attribution: explicit headers win, then the body's `user`/`metadata`, then the
 * key's user. Values are bounded and restricted so they are safe as metric labels later.
 */
export function attribute(ctx: GatewayContext, body: { user?: unknown; metadata?: unknown }): void {
  const meta = (body.metadata && typeof body.metadata === "object" ? body.metadata : {}) as Record<string, unknown>;
  ctx.user = pick(ctx.headers["x-keel-user"], body.user, meta.user) ?? ctx.principal?.user ?? null;
  ctx.feature = pick(ctx.headers["x-keel-feature"], meta.feature) ?? null;
}

function pick(...values: unknown[]): string | undefined {
  for (const v of values) if (typeof v === "string" && HEADER_VALUE.test(v)) return v;
  return undefined;
}

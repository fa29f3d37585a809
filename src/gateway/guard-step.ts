import type { ChatCompletion, ChatRequest } from "../api/chat-types.js";
import type { GuardService } from "../guard/policy/guard-service.js";
import { RequestGuard } from "../guard/request-guard.js";
import { StreamScreen } from "../guard/stream/stream-screen.js";
import type { GatewayContext } from "./context.js";
import { stripKeelFields } from "./normalize.js";

/**
 * The gateway's guardrail steps (docs/guardrails.md): input screening before routing, output
 * screening of answers, and the stream screen. Each is skipped at the cost of one null check when
 * the guard is off or no policy applies to the request.
 */
export function guardInput(ctx: GatewayContext, guard: GuardService | undefined, body: ChatRequest): ChatRequest | Promise<ChatRequest> {
  if (!guard || !guard.config.enabled) return body;
  const policies = guard.resolve({
    model: ctx.modelRequested, feature: ctx.feature, keyId: ctx.principal?.keyId ?? null, keyName: ctx.principal?.keyName ?? null,
  });
  if (!policies.input && !policies.output && !policies.tools) return body;
  const rg = new RequestGuard(guard, policies, ctx.requestId, ctx.trace.traceId, ctx.principal?.keyId ?? "");
  ctx.guard = rg;
  return rg.screenInput(body);
}

export function guardCompletion(ctx: GatewayContext, completion: ChatCompletion): Promise<ChatCompletion> | ChatCompletion {
  return ctx.guard ? ctx.guard.screenCompletion(completion) : completion;
}

/** The stream screen for this request, or null when nothing applies (chunks then go out untouched). */
export function guardStream(ctx: GatewayContext): StreamScreen | null {
  if (!ctx.guard) return null;
  const screen = new StreamScreen(ctx.guard);
  return screen.idle ? null : screen;
}

/** After a stream: the screen's verdicts join the request's, for the trace. */
export function settleStream(ctx: GatewayContext, screen: StreamScreen | null): void {
  if (screen && ctx.guard) ctx.guard.verdicts.push(...screen.verdicts());
}

/**
 * Runs after the response, before the trace is written. A screened call's body of record is the
 * guard's (redacted, without the canary marker); a call refused before screening (a limit, an
 * unknown model) gets one redacted as its input policy would have redacted it — so no path
 * stores what the policy keeps from the upstream.
 */
export async function settleBodyOfRecord(ctx: GatewayContext, guard: GuardService | undefined, capturing: boolean): Promise<void> {
  if (!ctx.body || !capturing) return;
  if (ctx.guard?.bodyOfRecord) {
    ctx.bodyOfRecord = stripKeelFields(ctx.guard.bodyOfRecord) as unknown as Record<string, unknown>;
    return;
  }
  if (ctx.bodyOfRecord) return;
  if (ctx.endpoint === "chat" && guard?.config.enabled) {
    const policies = guard.resolve({
      model: ctx.modelRequested, feature: ctx.feature, keyId: ctx.principal?.keyId ?? null, keyName: ctx.principal?.keyName ?? null,
    });
    if (policies.input) {
      const redacted = await new RequestGuard(guard, policies).redactForRecord(ctx.body as ChatRequest);
      ctx.bodyOfRecord = stripKeelFields(redacted) as unknown as Record<string, unknown>;
      return;
    }
  }
  ctx.bodyOfRecord = stripKeelFields(ctx.body);
}

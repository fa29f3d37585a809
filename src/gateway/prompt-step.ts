import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { ChatRequest, SentChatRequest } from "../api/chat-types.js";
import { KeelError } from "../errors/errors.js";
import { applyPrompt } from "../prompts/apply-prompt.js";
import { renderPrompt } from "../prompts/compile.js";
import type { PromptService } from "../prompts/prompt-service.js";
import type { GatewayContext } from "./context.js";

const HEADER = /^([A-Za-z0-9][A-Za-z0-9._/-]{0,127})(?:@(?:([1-9][0-9]{0,8})|([A-Za-z][A-Za-z0-9._-]{0,63})))?$/;

/**
 * [prompts] `x-keel-prompt: name@label` (or `name@3`) becomes the body's `prompt` before validation,
 * so a request naming its prompt in the header may leave `messages` (and `model`) out. When the
 * body names a prompt too, they must agree; the body's label or version wins.
 */
export function withPromptHeader(headers: IncomingHttpHeaders, raw: unknown): unknown {
  const header = headers["x-keel-prompt"];
  if (header === undefined || raw === null || typeof raw !== "object" || Array.isArray(raw)) return raw;
  const m = typeof header === "string" ? HEADER.exec(header.trim()) : null;
  if (!m) throw new KeelError("invalid_request", "Invalid 'x-keel-prompt' header: expected name, name@label or name@version.", { param: "x-keel-prompt" });
  const ref: Record<string, unknown> = { name: m[1], ...(m[2] ? { version: Number(m[2]) } : m[3] ? { label: m[3] } : {}) };
  const given = (raw as Record<string, unknown>).prompt;
  if (given === undefined) return { ...raw, prompt: ref };
  if (given && typeof given === "object" && (given as Record<string, unknown>).name !== ref.name) {
    throw new KeelError("invalid_request", `The 'x-keel-prompt' header names '${m[1]}' but the body's prompt is '${String((given as Record<string, unknown>).name)}'.`, { param: "x-keel-prompt" });
  }
  const g = given as Record<string, unknown>;
  return g.label === undefined && g.version === undefined ? { ...raw, prompt: { ...ref, ...g } } : raw;
}

/**
 * [prompts] A request that names a prompt gets it rendered in: resolved from memory (a running
 * rollout picks the version per user, else per key), variables filled strictly, the prompt's model
 * config applied where the request is silent; the answer says which version served
 * (`x-keel-prompt-version: name@3`). Requests without one pay one property check.
 */
export function applyPromptStep(ctx: GatewayContext, prompts: PromptService | undefined, body: SentChatRequest, res: ServerResponse): ChatRequest {
  const ref = body.prompt;
  if (ref === undefined) return body as ChatRequest;
  if (!prompts) throw new KeelError("invalid_request", "This Keel has no prompt registry.", { param: "prompt" });
  const resolved = prompts.resolve(ref, ctx.user ?? ctx.principal?.keyId ?? ctx.requestId);
  ctx.prompt = resolved;
  // Which version answered, for clients and for measuring how fast a rollback lands.
  res.setHeader("x-keel-prompt-version", `${resolved.compiled.name}@${resolved.compiled.version}`);
  const out = applyPrompt(body, resolved.compiled, renderPrompt(resolved.compiled, ref.variables ?? {}));
  if (typeof out.model !== "string") {
    throw new KeelError("invalid_request", `Missing required parameter: 'model' (prompt '${ref.name}' version ${resolved.compiled.version} names no model).`, { param: "model" });
  }
  return out as ChatRequest;
}

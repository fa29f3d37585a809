/**
 * Keel's internal answer (an OpenAI ChatCompletion, whatever the target) → an Anthropic Messages
 * response. Pure. The usage mapping is the reverse of providers/anthropic/translate-response.ts'
 * toUsage: Anthropic's input_tokens exclude cache reads and writes, OpenAI's prompt_tokens include
 * them, so a cached count the upstream reported comes back in its own field, never zeroed.
 */
import type { ChatCompletion, FinishReason, Usage } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";

export interface AnthropicUsageOut {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

export type AnthropicBlockOut =
  | { type: "text"; text: string }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

export interface AnthropicMessageOut {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicBlockOut[];
  stop_reason: string | null;
  stop_sequence: string | null;
  usage: AnthropicUsageOut;
}

/** The upstream's usage in Anthropic's fields; `promptEstimate` only where the upstream said nothing. */
export function toAnthropicUsage(u: Usage | null | undefined, promptEstimate = 0): AnthropicUsageOut {
  if (!u) return { input_tokens: promptEstimate, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const read = u.prompt_tokens_details?.cached_tokens ?? 0;
  const write = u.prompt_tokens_details?.cache_creation_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (u.prompt_tokens ?? 0) - read - write),
    output_tokens: u.completion_tokens ?? 0,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
  };
}

export function stopReason(finish: FinishReason | null | undefined): string {
  switch (finish) {
    case "length": return "max_tokens";
    case "tool_calls":
    case "function_call": return "tool_use";
    case "content_filter": return "refusal";
    // OpenAI's "stop" covers both the end of the turn and a stop sequence; it does not say which.
    default: return "end_turn";
  }
}

/** An Anthropic-style message id from the upstream's, so the same call reads the same in both shapes. */
export function messageId(upstreamId: string): string {
  return upstreamId.startsWith("msg_") ? upstreamId : `msg_${upstreamId.replace(/[^\w-]/g, "").slice(0, 64) || "keel"}`;
}

/** Tool arguments as the object Anthropic's `input` is; unparsable arguments are an upstream fault, not dropped. */
export function toolInput(args: string, provider: string): Record<string, unknown> {
  if (args === "") return {};
  let v: unknown;
  try {
    v = JSON.parse(args);
  } catch {
    throw new KeelError("upstream_error", `${provider} returned tool-call arguments that are not valid JSON.`, { upstream: { provider } });
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new KeelError("upstream_error", `${provider} returned tool-call arguments that are not a JSON object.`, { upstream: { provider } });
  }
  return v as Record<string, unknown>;
}

export function completionToMessage(c: ChatCompletion, model: string, provider: string): AnthropicMessageOut {
  const choice = c.choices[0];
  const content: AnthropicBlockOut[] = [];
  const msg = choice?.message as (ChatCompletion["choices"][number]["message"] & { reasoning_content?: unknown; thinking_blocks?: unknown }) | undefined;
  if (Array.isArray(msg?.thinking_blocks)) {
    // An Anthropic target's thinking, signature and all, as its adapter kept it.
    for (const b of msg.thinking_blocks as AnthropicBlockOut[]) if (b?.type === "thinking" || b?.type === "redacted_thinking") content.push(b);
  } else if (typeof msg?.reasoning_content === "string" && msg.reasoning_content !== "") {
    // OpenAI-compatible reasoning servers (DeepSeek, vLLM) return the reasoning beside the content, unsigned.
    content.push({ type: "thinking", thinking: msg.reasoning_content, signature: "" });
  }
  const text = typeof msg?.content === "string" ? msg.content : msg?.refusal ?? "";
  if (text) content.push({ type: "text", text });
  for (const call of msg?.tool_calls ?? []) {
    content.push({ type: "tool_use", id: call.id, name: call.function.name, input: toolInput(call.function.arguments, provider) });
  }
  return {
    id: messageId(c.id),
    type: "message",
    role: "assistant",
    model: c.model || model,
    content,
    stop_reason: stopReason(choice?.finish_reason),
    stop_sequence: null,
    usage: toAnthropicUsage(c.usage),
  };
}

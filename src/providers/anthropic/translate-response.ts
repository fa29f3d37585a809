/**
 * Anthropic message → OpenAI ChatCompletion, plus the stop-reason and usage mappings the stream
 * translator shares. Pure.
 */
import type { ChatCompletion, FinishReason, ToolCall, Usage } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { JSON_OUTPUT_TOOL } from "./translate-request.js";
import type { AnthropicMessage, AnthropicStopReason, AnthropicUsage } from "./wire-types.js";

export function fromAnthropicMessage(msg: AnthropicMessage, jsonOutput: boolean, provider: string): ChatCompletion {
  if (msg === null || typeof msg !== "object" || !Array.isArray(msg.content)) {
    throw new KeelError("upstream_error", `${provider} returned a message without content`, { upstream: { provider, body: msg } });
  }
  let text = "";
  let json: string | undefined;
  const toolCalls: ToolCall[] = [];
  let reasoning = "";
  const thinkingBlocks: Record<string, unknown>[] = [];
  for (const block of msg.content) {
    if (block.type === "text") text += block.text as string;
    else if (block.type === "thinking" || block.type === "redacted_thinking") {
      // Kept whole (signature included) for a client that must send it back; the text also as reasoning_content.
      thinkingBlocks.push(block as Record<string, unknown>);
      if (typeof block.thinking === "string") reasoning += block.thinking;
    }
    else if (block.type === "tool_use") {
      const input = JSON.stringify(block.input ?? {});
      if (jsonOutput && block.name === JSON_OUTPUT_TOOL) json = input;
      else toolCalls.push({ id: block.id as string, type: "function", function: { name: block.name as string, arguments: input } });
    }
    // server-tool blocks have no Chat Completions counterpart
  }
  const message: ChatCompletion["choices"][number]["message"] = {
    role: "assistant",
    // the JSON answer is the whole content: any preamble text would make it unparseable
    content: json ?? (text === "" && toolCalls.length > 0 ? null : text),
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (thinkingBlocks.length > 0) Object.assign(message, { reasoning_content: reasoning, thinking_blocks: thinkingBlocks });
  return {
    id: msg.id,
    object: "chat.completion",
    created: Math.floor(Date.now() / 1000),
    model: msg.model,
    choices: [{ index: 0, message, finish_reason: finishReason(msg.stop_reason, toolCalls.length > 0) }],
    usage: toUsage(msg.usage),
  };
}

/**
 * Anthropic stop_reason → OpenAI finish_reason. `hadToolCalls` is false when the only tool_use was
 * the json_output answer: to the client that is a finished reply, not a tool call.
 */
export function finishReason(reason: AnthropicStopReason | null | undefined, hadToolCalls: boolean): FinishReason | null {
  switch (reason) {
    case null:
    case undefined:
      return null;
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "tool_use":
      return hadToolCalls ? "tool_calls" : "stop";
    case "refusal":
      return "content_filter";
    default:
      // end_turn, stop_sequence, pause_turn and reasons added later: the turn is over
      return "stop";
  }
}

/** Anthropic counts cached prompt tokens apart from input_tokens; OpenAI's prompt_tokens includes them. */
export function toUsage(u: AnthropicUsage | undefined): Usage {
  const input = u?.input_tokens ?? 0;
  const cacheRead = u?.cache_read_input_tokens ?? 0;
  const cacheWrite = u?.cache_creation_input_tokens ?? 0;
  const output = u?.output_tokens ?? 0;
  const prompt = input + cacheRead + cacheWrite;
  return {
    prompt_tokens: prompt,
    completion_tokens: output,
    total_tokens: prompt + output,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_creation_tokens: cacheWrite },
  };
}

/**
 * Keel's internal stream (OpenAI ChatChunks, whatever the target) → Anthropic's Messages stream,
 * event for event (https://docs.anthropic.com/en/docs/build-with-claude/streaming):
 *
 *   message_start (once; usage.input_tokens is the prompt's count, never 0) → ping →
 *   { content_block_start → content_block_delta* → content_block_stop }* →
 *   message_delta (stop_reason, usage with the upstream's exact counts) → message_stop
 *
 * One block is open at a time. Content opens a text block, `reasoning_content` a thinking block
 * (never text inside thinking or the reverse), a tool call a tool_use block whose id, name and
 * empty input sit at the top level of content_block_start; every argument fragment becomes an
 * input_json_delta, the ones that arrive with the call's id included. Each chunk's events are
 * returned as one string, so the caller writes once per chunk.
 */
import type { ChatChunk, FinishReason, Usage } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { messageId, stopReason, toAnthropicUsage } from "./chat-to-message.js";

const NONE = 0;
const TEXT = 1;
const THINKING = 2;
const TOOL = 3;
const REDACTED = 4;

export function sseEvent(name: string, data: object): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class AnthropicEventWriter {
  private started = false;
  private index = -1;
  private open = NONE;
  /** The OpenAI tool_calls index of the open tool_use block. */
  private toolIndex = -1;
  /** OpenAI tool-call indexes whose block is already closed: a late fragment for one is refused, not dropped. */
  private readonly closedTools = new Set<number>();
  private finish: FinishReason | null = null;
  private usage: Usage | null = null;

  constructor(
    private readonly model: string,
    /** The prompt's tokens as Keel counts them: message_start's input_tokens before the upstream's count arrives. */
    private readonly promptTokens: number,
  ) {}

  /** message_start and a ping, from the first chunk's id and model. */
  start(first: ChatChunk): string {
    this.started = true;
    const usage = first.usage ? toAnthropicUsage(first.usage) : { input_tokens: this.promptTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 };
    const message = { id: messageId(first.id), type: "message", role: "assistant", model: first.model || this.model, content: [], stop_reason: null, stop_sequence: null, usage };
    return sseEvent("message_start", { type: "message_start", message }) + sseEvent("ping", { type: "ping" });
  }

  /** The events one chunk produces ("" for none). */
  push(chunk: ChatChunk): string {
    let out = this.started ? "" : this.start(chunk);
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (choice === undefined) return out;
    const delta = choice.delta as ChatChunk["choices"][number]["delta"] & { reasoning_content?: unknown; reasoning_signature?: unknown; thinking_blocks?: unknown };
    if (typeof delta.reasoning_content === "string" && delta.reasoning_content !== "") {
      if (this.open !== THINKING) out += this.openBlock(THINKING, { type: "thinking", thinking: "" });
      out += this.delta({ type: "thinking_delta", thinking: delta.reasoning_content });
    }
    // The signature closes a thinking block (an Anthropic target's, through its adapter).
    if (typeof delta.reasoning_signature === "string" && delta.reasoning_signature !== "") {
      if (this.open !== THINKING) out += this.openBlock(THINKING, { type: "thinking", thinking: "" });
      out += this.delta({ type: "signature_delta", signature: delta.reasoning_signature });
    }
    if (Array.isArray(delta.thinking_blocks)) {
      // Redacted thinking arrives whole: a block with no deltas.
      for (const b of delta.thinking_blocks as { type?: unknown; data?: unknown }[]) {
        if (b?.type === "redacted_thinking") out += this.openBlock(REDACTED, { type: "redacted_thinking", data: b.data }) + this.closeBlock();
      }
    }
    const text = typeof delta.content === "string" && delta.content !== "" ? delta.content : typeof delta.refusal === "string" ? delta.refusal : "";
    if (text !== "") {
      if (this.open !== TEXT) out += this.openBlock(TEXT, { type: "text", text: "" });
      out += this.delta({ type: "text_delta", text });
    }
    const calls = delta.tool_calls;
    if (calls) {
      for (let i = 0; i < calls.length; i++) {
        const d = calls[i];
        if (this.open !== TOOL || d.index !== this.toolIndex) {
          if (this.closedTools.has(d.index)) {
            throw new KeelError("upstream_stream_error", "The upstream interleaved fragments of two tool calls; Anthropic's stream cannot carry that.");
          }
          const id = d.id ?? `toolu_keel_${this.index + 1}`;
          out += this.openBlock(TOOL, { type: "tool_use", id, name: d.function?.name ?? "", input: {} });
          this.toolIndex = d.index;
        }
        const args = d.function?.arguments;
        if (args) out += this.delta({ type: "input_json_delta", partial_json: args });
      }
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  /** Closes the open block; message_delta with the stop reason and the upstream's usage; message_stop. */
  end(promptTokensIfUnreported = this.promptTokens): string {
    let out = this.closeBlock();
    const u = toAnthropicUsage(this.usage, promptTokensIfUnreported);
    // Cumulative, as Anthropic's message_delta usage is: the SDK takes input and cache counts from here when present.
    out += sseEvent("message_delta", { type: "message_delta", delta: { stop_reason: stopReason(this.finish), stop_sequence: null }, usage: u });
    return out + sseEvent("message_stop", { type: "message_stop" });
  }

  /** The stream's last event after a failure: Anthropic's in-stream error. */
  error(type: string, message: string): string {
    return sseEvent("error", { type: "error", error: { type, message } });
  }

  private openBlock(kind: number, block: object): string {
    const out = this.closeBlock();
    this.open = kind;
    this.index++;
    return out + sseEvent("content_block_start", { type: "content_block_start", index: this.index, content_block: block });
  }

  private closeBlock(): string {
    if (this.open === NONE) return "";
    if (this.open === TOOL) this.closedTools.add(this.toolIndex);
    this.open = NONE;
    return sseEvent("content_block_stop", { type: "content_block_stop", index: this.index });
  }

  private delta(delta: object): string {
    return sseEvent("content_block_delta", { type: "content_block_delta", index: this.index, delta });
  }
}

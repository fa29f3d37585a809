/**
 * Anthropic stream events → OpenAI ChatChunks: a small state machine fed one SSE event at a time.
 *
 *   message_start        → first chunk, delta {role:"assistant", content:""}; input usage recorded
 *   content_block_start  → tool_use: tool_call delta with id, name, arguments ""; text, thinking: nothing;
 *                          redacted_thinking: delta {thinking_blocks:[the block]}
 *   content_block_delta  → text_delta: content; input_json_delta: tool_call arguments fragment;
 *                          thinking_delta: reasoning_content; signature_delta: reasoning_signature
 *   content_block_stop   → nothing
 *   message_delta        → finish_reason chunk (delta {}); output usage recorded
 *   message_stop         → usage chunk (choices: []), then done
 *   ping, unknown events → nothing (Anthropic may add event types; their versioning policy says to ignore them)
 *   error                → KeelError upstream_stream_error
 *
 * Each event yields at most one chunk, so `push` returns one or undefined and allocates no array.
 */
import type { ChatChunk, ChunkChoice } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { JSON_OUTPUT_TOOL } from "./translate-request.js";
import { finishReason, toUsage } from "./translate-response.js";
import type { AnthropicUsage } from "./wire-types.js";

/** What a content block index maps to: an OpenAI tool_calls index (≥ 0), or one of these. */
const TEXT = -1;
const JSON_ANSWER = -2;
const IGNORED = -3;
const THINKING = -4;

interface StreamEvent {
  type?: string;
  index?: number;
  message?: { id?: string; model?: string; usage?: AnthropicUsage };
  content_block?: { type?: string; id?: string; name?: string; text?: string };
  delta?: { type?: string; text?: string; partial_json?: string; thinking?: string; signature?: string; stop_reason?: string | null };
  usage?: AnthropicUsage;
  error?: { type?: string; message?: string };
}

export class AnthropicStreamTranslator {
  /** True once message_stop arrived: the stream is complete and later events are ignored. */
  done = false;
  private started = false;
  private id = "";
  private model = "";
  private readonly created = Math.floor(Date.now() / 1000);
  private usage: AnthropicUsage = {};
  private readonly blocks: number[] = [];
  private toolCalls = 0;

  constructor(
    private readonly provider: string,
    private readonly jsonOutput: boolean,
  ) {}

  /** Feeds one SSE event (name and data); returns the chunk it produces, if any. */
  push(eventName: string, data: string): ChatChunk | undefined {
    if (this.done) return undefined;
    let ev: StreamEvent;
    try {
      ev = JSON.parse(data) as StreamEvent;
    } catch {
      throw this.fail(`sent a malformed ${eventName} event`, data.length > 4096 ? `${data.slice(0, 4096)}…` : data);
    }
    if (ev === null || typeof ev !== "object") throw this.fail(`sent a malformed ${eventName} event`, data);
    const type = ev.type ?? eventName;
    if (type === "error") {
      const e = ev.error;
      throw this.fail(`sent an error mid-stream${e?.message ? `: ${e.type ?? "error"}: ${e.message}` : ""}`, ev);
    }
    if (type === "message_start") {
      this.started = true;
      this.id = ev.message?.id ?? "";
      this.model = ev.message?.model ?? "";
      this.usage = { ...ev.message?.usage };
      return this.chunk({ role: "assistant", content: "" }, null);
    }
    if (type === "ping") return undefined;
    if (!this.started) throw this.fail(`sent ${type} before message_start`, ev);
    switch (type) {
      case "content_block_start":
        return this.blockStart(ev);
      case "content_block_delta":
        return this.blockDelta(ev);
      case "message_delta": {
        // usage here is cumulative; newer API versions also repeat input and cache counts
        if (ev.usage) Object.assign(this.usage, ev.usage);
        const reason = ev.delta?.stop_reason;
        return reason ? this.chunk({}, finishReason(reason, this.toolCalls > 0)) : undefined;
      }
      case "message_stop":
        this.done = true;
        return { id: this.id, object: "chat.completion.chunk", created: this.created, model: this.model, choices: [], usage: toUsage(this.usage) };
      default:
        return undefined;
    }
  }

  /** End of the body: a stream without message_stop was cut off. */
  end(): void {
    if (!this.done) throw this.fail("ended the stream before message_stop");
  }

  private blockStart(ev: StreamEvent): ChatChunk | undefined {
    const block = ev.content_block;
    const index = ev.index ?? this.blocks.length;
    if (block?.type === "text") {
      this.blocks[index] = TEXT;
      return block.text ? this.chunk({ content: block.text }, null) : undefined;
    }
    if (block?.type === "thinking") {
      this.blocks[index] = THINKING;
      return undefined;
    }
    if (block?.type === "redacted_thinking") {
      // Encrypted, arrives whole: one chunk carrying the block, for a client that must send it back.
      this.blocks[index] = IGNORED;
      return this.chunk({ thinking_blocks: [{ type: "redacted_thinking", data: (block as { data?: unknown }).data }] } as ChunkChoice["delta"], null);
    }
    if (block?.type !== "tool_use") {
      this.blocks[index] = IGNORED; // server tools: no Chat Completions counterpart
      return undefined;
    }
    if (this.jsonOutput && block.name === JSON_OUTPUT_TOOL) {
      this.blocks[index] = JSON_ANSWER;
      return undefined;
    }
    const call = this.toolCalls++;
    this.blocks[index] = call;
    return this.chunk({ tool_calls: [{ index: call, id: block.id, type: "function", function: { name: block.name, arguments: "" } }] }, null);
  }

  private blockDelta(ev: StreamEvent): ChatChunk | undefined {
    const kind = this.blocks[ev.index ?? -1];
    const delta = ev.delta;
    if (kind === undefined || kind === IGNORED || delta === undefined) return undefined;
    if (delta.type === "text_delta" && kind === TEXT) return delta.text ? this.chunk({ content: delta.text }, null) : undefined;
    // Thinking as OpenAI-compatible reasoning servers stream it (`reasoning_content`), its signature beside it.
    if (kind === THINKING) {
      if (delta.type === "thinking_delta" && delta.thinking) return this.chunk({ reasoning_content: delta.thinking } as ChunkChoice["delta"], null);
      if (delta.type === "signature_delta" && delta.signature) return this.chunk({ reasoning_signature: delta.signature } as ChunkChoice["delta"], null);
      return undefined;
    }
    if (delta.type !== "input_json_delta" || !delta.partial_json) return undefined;
    // the json_output tool's input is the answer: its JSON fragments stream as content
    if (kind === JSON_ANSWER) return this.chunk({ content: delta.partial_json }, null);
    if (kind >= 0) return this.chunk({ tool_calls: [{ index: kind, function: { arguments: delta.partial_json } }] }, null);
    return undefined;
  }

  private chunk(delta: ChunkChoice["delta"], finish: ChunkChoice["finish_reason"]): ChatChunk {
    return {
      id: this.id,
      object: "chat.completion.chunk",
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finish }],
    };
  }

  private fail(what: string, body?: unknown): KeelError {
    return new KeelError("upstream_stream_error", `${this.provider} ${what}`, { upstream: { provider: this.provider, body } });
  }
}

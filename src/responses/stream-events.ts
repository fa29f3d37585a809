import type { ChatChunk, FinishReason, Usage } from "../api/chat-types.js";
import {
  type FunctionCallItem, finished, type MessageItem, newCallItemId, newMessageId, type OutputItem, type ResponseObject,
} from "./response-object.js";

/**
 * Chat-completion chunks → the Responses API's server-sent events, in the order OpenAI sends them
 * (response.created, response.in_progress, then per output item: output_item.added,
 * content_part.added, output_text.delta…, output_text.done, content_part.done, output_item.done —
 * or for a tool call output_item.added, function_call_arguments.delta…, .done, output_item.done —
 * and last response.completed / response.incomplete / response.failed), every event numbered by
 * `sequence_number`. Each method returns the SSE text to write (possibly empty); nothing is
 * buffered beyond the item being built.
 */
export class ResponseEventStream {
  private seq = 0;
  private readonly output: OutputItem[] = [];
  private message: MessageItem | null = null;
  private text = "";
  /** Open tool calls by the chunk's tool-call index. */
  private readonly calls = new Map<number, { item: FunctionCallItem; outputIndex: number }>();
  private finish: FinishReason | null = null;
  private usage: Usage | null = null;
  private model = "";
  private final: ResponseObject | null = null;

  constructor(private readonly base: ResponseObject) {}

  start(): string {
    return this.event("response.created", { response: this.base }) + this.event("response.in_progress", { response: this.base });
  }

  push(chunk: ChatChunk): string {
    let out = "";
    if (chunk.model) this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return out;
    const d = choice.delta;
    if (typeof d.content === "string" && d.content.length > 0) {
      out += this.openMessage();
      this.text += d.content;
      out += this.delta("response.output_text.delta", this.message!.id, this.output.length - 1, `"content_index":0,"delta":${JSON.stringify(d.content)},"logprobs":[]`);
    }
    if (d.tool_calls) {
      out += this.closeMessage();
      for (const tc of d.tool_calls) {
        let open = this.calls.get(tc.index);
        if (!open) {
          const item: FunctionCallItem = { id: newCallItemId(), type: "function_call", status: "in_progress", arguments: "", call_id: tc.id ?? "", name: tc.function?.name ?? "" };
          open = { item, outputIndex: this.output.length };
          this.calls.set(tc.index, open);
          this.output.push(item);
          out += this.event("response.output_item.added", { output_index: open.outputIndex, item: { ...item } });
        }
        const delta = tc.function?.arguments;
        if (delta) {
          open.item.arguments += delta;
          out += this.delta("response.function_call_arguments.delta", open.item.id, open.outputIndex, `"delta":${JSON.stringify(delta)}`);
        }
      }
    }
    if (choice.finish_reason) this.finish = choice.finish_reason;
    return out;
  }

  /** Every open item closed, then response.completed (or response.incomplete when cut by max_output_tokens). */
  end(nowSeconds: number): string {
    let out = this.closeMessage() + this.closeCalls("completed");
    const response = finished(this.base, this.output, this.finish, this.usage, this.model, nowSeconds);
    this.final = response;
    out += this.event(response.status === "incomplete" ? "response.incomplete" : "response.completed", { response });
    return out;
  }

  /** The upstream failed after the first event: response.failed carries what was produced and the error. */
  fail(code: string, message: string): string {
    const status = "incomplete" as const;
    if (this.message) {
      this.message.status = status;
      this.message.content = [{ type: "output_text", annotations: [], logprobs: [], text: this.text }];
    }
    for (const c of this.calls.values()) c.item.status = status;
    const response: ResponseObject = { ...this.base, status: "failed", error: { code, message }, model: this.model || this.base.model, output: this.output, usage: null };
    this.final = response;
    return this.event("response.failed", { response });
  }

  /** The response as the client finally saw it (for the store and the trace), or null before the end. */
  result(): ResponseObject | null {
    return this.final;
  }

  private openMessage(): string {
    if (this.message) return "";
    let out = this.closeCalls("completed");
    const item: MessageItem = { id: newMessageId(), type: "message", status: "in_progress", content: [], role: "assistant" };
    this.message = item;
    this.text = "";
    this.output.push(item);
    const outputIndex = this.output.length - 1;
    out += this.event("response.output_item.added", { output_index: outputIndex, item: { ...item, content: [] } });
    out += this.event("response.content_part.added", { item_id: item.id, output_index: outputIndex, content_index: 0, part: { type: "output_text", annotations: [], logprobs: [], text: "" } });
    return out;
  }

  private closeMessage(): string {
    const item = this.message;
    if (!item) return "";
    this.message = null;
    const outputIndex = this.output.indexOf(item);
    const part = { type: "output_text" as const, annotations: [], logprobs: [], text: this.text };
    item.content = [part];
    item.status = "completed";
    return this.event("response.output_text.done", { item_id: item.id, output_index: outputIndex, content_index: 0, text: this.text, logprobs: [] })
      + this.event("response.content_part.done", { item_id: item.id, output_index: outputIndex, content_index: 0, part })
      + this.event("response.output_item.done", { output_index: outputIndex, item });
  }

  private closeCalls(status: "completed"): string {
    let out = "";
    for (const { item, outputIndex } of this.calls.values()) {
      item.status = status;
      out += this.event("response.function_call_arguments.done", { item_id: item.id, output_index: outputIndex, name: item.name, arguments: item.arguments })
        + this.event("response.output_item.done", { output_index: outputIndex, item });
    }
    this.calls.clear();
    return out;
  }

  /**
   * The per-chunk events, written as text: one JSON.stringify of the delta instead of an object
   * spread and a stringify per chunk; the ids are Keel's own (msg_/fc_ and hex), so they need no
   * escaping. The same bytes as event() would write.
   */
  private delta(type: string, itemId: string, outputIndex: number, rest: string): string {
    return `event: ${type}\ndata: {"type":"${type}","sequence_number":${this.seq++},"item_id":"${itemId}","output_index":${outputIndex},${rest}}\n\n`;
  }

  // `type` first, `sequence_number` right after it, as OpenAI writes them.
  private event(type: string, fields: Record<string, unknown>): string {
    const data = JSON.stringify({ type, sequence_number: this.seq++, ...fields });
    return `event: ${type}\ndata: ${data}\n\n`;
  }
}

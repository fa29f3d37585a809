import type { ChatChunk, ChatCompletion, FinishReason, ToolCall, Usage } from "../api/chat-types.js";

interface ChoiceState {
  content: string;
  toolCalls: ToolCall[];
  finish: FinishReason | null;
}

/**
 * Folds a stream of chunks into the completion the client effectively received — for the trace
 * and for anyone who needs the whole answer of a stream (guards, evals). Tool-call argument
 * fragments are concatenated by their `index`, as OpenAI's streaming format defines.
 */
export class StreamAssembler {
  private readonly choices: ChoiceState[] = [];
  private id = "";
  private model = "";
  private created = 0;
  private fingerprint: string | null | undefined;
  usage: Usage | null = null;

  add(chunk: ChatChunk): void {
    if (!this.id) {
      this.id = chunk.id;
      this.model = chunk.model;
      this.created = chunk.created;
    }
    if (chunk.system_fingerprint !== undefined) this.fingerprint = chunk.system_fingerprint;
    if (chunk.usage) this.usage = chunk.usage;
    for (const c of chunk.choices) {
      const s = (this.choices[c.index] ??= { content: "", toolCalls: [], finish: null });
      if (c.delta.content) s.content += c.delta.content;
      if (c.delta.tool_calls) {
        for (const d of c.delta.tool_calls) {
          const tc = (s.toolCalls[d.index] ??= { id: "", type: "function", function: { name: "", arguments: "" } });
          if (d.id) tc.id = d.id;
          if (d.function?.name) tc.function.name += d.function.name;
          if (d.function?.arguments) tc.function.arguments += d.function.arguments;
        }
      }
      if (c.finish_reason) s.finish = c.finish_reason;
    }
  }

  result(): ChatCompletion {
    const out: ChatCompletion = {
      id: this.id,
      object: "chat.completion",
      created: this.created,
      model: this.model,
      choices: this.choices.map((s, index) => ({
        index,
        message: {
          role: "assistant" as const,
          content: s.content.length > 0 || s.toolCalls.length === 0 ? s.content : null,
          ...(s.toolCalls.length > 0 ? { tool_calls: s.toolCalls.filter(Boolean) } : {}),
        },
        finish_reason: s.finish,
      })),
    };
    if (this.usage) out.usage = this.usage;
    if (this.fingerprint !== undefined) out.system_fingerprint = this.fingerprint;
    return out;
  }
}

import type { ChatChunk, ChatCompletion, Usage } from "../api/chat-types.js";

/**
 * A stored answer as the stream a provider would have sent: a role chunk, the reasoning an
 * OpenAI-compatible reasoning server returned beside the content (`reasoning_content`, streamed
 * first as such servers stream it), the content in pieces of a few words, tool calls (name first, then arguments), a finish chunk per choice, and — when
 * the client asked (`stream_options.include_usage`) — a last chunk with empty `choices` and the
 * usage. Same objects and order as a live stream, never one collapsed chunk (docs/cache.md).
 */

// A piece ends at the first whitespace after this many characters: word-sized, like tokens.
const PIECE_CHARS = 16;

export function replayChunks(c: ChatCompletion, id: string, created: number, includeUsage: boolean, usage: Usage | null): ChatChunk[] {
  const out: ChatChunk[] = [];
  const chunk = (choices: ChatChunk["choices"], u?: Usage | null): ChatChunk => {
    const k: ChatChunk = { id, object: "chat.completion.chunk", created, model: c.model, choices };
    if (c.system_fingerprint !== undefined) k.system_fingerprint = c.system_fingerprint;
    if (u !== undefined) k.usage = u;
    return k;
  };
  for (const ch of c.choices) {
    const m = ch.message;
    out.push(chunk([{ index: ch.index, delta: { role: "assistant", content: "" }, finish_reason: null }]));
    const reasoning = (m as { reasoning_content?: unknown }).reasoning_content;
    if (typeof reasoning === "string") {
      // Not in chat's delta type: a loose field, as the providers' streams carry it.
      for (const piece of pieces(reasoning)) out.push(chunk([{ index: ch.index, delta: { reasoning_content: piece } as ChatChunk["choices"][number]["delta"], finish_reason: null }]));
    }
    if (typeof m.content === "string") for (const piece of pieces(m.content)) out.push(chunk([{ index: ch.index, delta: { content: piece }, finish_reason: null }]));
    if (m.refusal) out.push(chunk([{ index: ch.index, delta: { refusal: m.refusal }, finish_reason: null }]));
    if (m.tool_calls) {
      m.tool_calls.forEach((t, i) => {
        out.push(chunk([{ index: ch.index, delta: { tool_calls: [{ index: i, id: t.id, type: "function", function: { name: t.function.name, arguments: "" } }] }, finish_reason: null }]));
        for (const piece of pieces(t.function.arguments)) out.push(chunk([{ index: ch.index, delta: { tool_calls: [{ index: i, function: { arguments: piece } }] }, finish_reason: null }]));
      });
    }
    out.push(chunk([{ index: ch.index, delta: {}, finish_reason: ch.finish_reason }]));
  }
  if (includeUsage) out.push(chunk([], usage));
  return out;
}

/** Splits text at whitespace after every PIECE_CHARS characters; the pieces join back to the text exactly. */
export function pieces(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + PIECE_CHARS);
    // A run without whitespace (JSON arguments) is still cut, at four pieces' length.
    while (end < text.length && end < start + 4 * PIECE_CHARS && !/\s/.test(text[end])) end++;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

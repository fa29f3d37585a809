import { encode } from "./tokenizer.js";
import type { ChatMessage, ChatRequest } from "../api/chat-types.js";

/**
 * Offline token counting with gpt-tokenizer (o200k_base). Used when a provider reports no usage,
 * for the simulator, and for limit estimates. Exact for OpenAI's o200k models; an estimate for others.
 */
export function countTextTokens(text: string): number {
  return text.length === 0 ? 0 : encode(text).length;
}

export function messageText(m: ChatMessage): string {
  const c = m.content;
  let text = "";
  if (typeof c === "string") text = c;
  else if (Array.isArray(c)) {
    for (const part of c) if (part && part.type === "text" && typeof (part as { text?: unknown }).text === "string") text += (part as { text: string }).text;
  }
  if (m.tool_calls) for (const tc of m.tool_calls) text += tc.function.name + tc.function.arguments;
  return text;
}

/**
 * OpenAI's documented chat overhead: 3 tokens per message, +1 for a name, +3 to prime the reply.
 * `texts`, when given, are the messages' `messageText`s already taken (the gateway's request memo).
 */
export function countPromptTokens(req: Pick<ChatRequest, "messages" | "tools">, texts?: readonly string[]): number {
  let n = 3;
  const messages = req.messages;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    n += 3 + countTextTokens(texts ? texts[i] : messageText(m));
    if (m.name) n += 1;
  }
  if (req.tools && req.tools.length > 0) n += countTextTokens(JSON.stringify(req.tools));
  return n;
}

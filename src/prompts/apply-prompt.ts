import type { ChatMessage } from "../api/chat-types.js";
import type { CompiledPrompt } from "./compile.js";

/**
 * A rendered prompt merged into a chat request body. The request wins wherever it speaks: its
 * model, tools and response_format replace the prompt's, its parameters replace the prompt's
 * parameters of the same name; its own messages, if any, follow the prompt's. `prompt` itself is
 * Keel's and never reaches a provider.
 */
export function applyPrompt(body: Readonly<Record<string, unknown>>, c: CompiledPrompt, rendered: ChatMessage[]): Record<string, unknown> {
  const { prompt: _p, ...rest } = body;
  const out: Record<string, unknown> = { ...c.config.params, ...rest };
  if (out.model === undefined && c.config.model !== undefined) out.model = c.config.model;
  if (out.tools === undefined && c.config.tools !== undefined) out.tools = c.config.tools;
  if (out.response_format === undefined && c.config.response_format !== undefined) out.response_format = c.config.response_format;
  const own = Array.isArray(rest.messages) ? (rest.messages as ChatMessage[]) : [];
  out.messages = own.length === 0 ? rendered : [...rendered, ...own];
  return out;
}

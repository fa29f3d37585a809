/**
 * Anthropic Messages request → Keel's one internal request, the OpenAI-shaped ChatRequest every
 * stage and provider adapter takes (docs/decisions/0025-one-internal-request-model.md). Pure: no
 * I/O. What the internal model cannot carry is a 400 naming the field, never dropped.
 *
 * The reverse of providers/anthropic/translate-request.ts, and written so that the two compose:
 * a Messages request translated here and back there reaches an Anthropic target with its system
 * prompt, blocks, cache_control breakpoints, tools and tool_choice as the client sent them.
 */
import type {
  AnthropicInboundBlock,
  AnthropicCountTokensRequest,
  AnthropicMessagesRequest,
} from "../../api/anthropic-messages-schema.js";
import type { ChatMessage, ChatRequest, ContentPart, FunctionTool, ToolCall, ToolChoice } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";

type Block = AnthropicInboundBlock & Record<string, unknown>;

/** The internal body for a Messages request; `stream` asks providers for usage, as chat always does. */
export function messagesToChat(req: AnthropicMessagesRequest): ChatRequest {
  const out = promptToChat(req);
  // Carried loose, as the client sent it: only the Anthropic adapter reads it, and the surface
  // refuses it for a route with any other target (messages.ts, thinkingTargets).
  if (req.thinking !== undefined) (out as Record<string, unknown>).thinking = req.thinking;
  out.max_tokens = req.max_tokens;
  if (req.stream === true) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  if (req.stop_sequences !== undefined && req.stop_sequences.length > 0) {
    // The internal (OpenAI) request carries at most four stop strings.
    if (req.stop_sequences.length > 4) throw invalid("Keel passes at most 4 stop sequences to a model", "stop_sequences");
    out.stop = req.stop_sequences;
  }
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.top_p !== undefined) out.top_p = req.top_p;
  // Not an OpenAI field: rides along loose; the Anthropic adapter reads it, OpenAI-compatible servers that know it (vLLM) do too.
  if (req.top_k !== undefined) (out as Record<string, unknown>).top_k = req.top_k;
  const user = req.metadata?.user_id;
  if (typeof user === "string" && user !== "") out.user = user;
  return out;
}

/**
 * Where the request uses extended thinking — `thinking` enabled, or thinking blocks in an
 * assistant turn — as the field to name when a target cannot take it; null when it does not.
 */
export function thinkingParam(req: AnthropicMessagesRequest): string | null {
  if (req.thinking?.type === "enabled") return "thinking";
  for (let i = 0; i < req.messages.length; i++) {
    const c = req.messages[i].content;
    if (req.messages[i].role !== "assistant" || typeof c === "string") continue;
    for (let j = 0; j < c.length; j++) if (THINKING_BLOCKS.has(c[j].type)) return `messages[${i}].content[${j}]`;
  }
  return null;
}

const THINKING_BLOCKS = new Set(["thinking", "redacted_thinking"]);

/** System, messages, tools and tool_choice: what both /v1/messages and count_tokens carry. */
export function promptToChat(req: AnthropicCountTokensRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (req.system !== undefined) {
    if (typeof req.system === "string") {
      if (req.system !== "") messages.push({ role: "system", content: req.system });
    } else if (req.system.length > 0) {
      messages.push({ role: "system", content: req.system.map((b) => withCache({ type: "text", text: b.text }, b)) });
    }
  }
  for (let i = 0; i < req.messages.length; i++) {
    const m = req.messages[i];
    // As Anthropic: every turn has content, except a final assistant turn (a prefill to continue).
    if (m.content.length === 0 && !(m.role === "assistant" && i === req.messages.length - 1)) {
      throw invalid("a message needs non-empty content (only a final assistant message may be empty)", `messages[${i}].content`);
    }
    if (m.role === "user") userTurn(messages, m.content as string | Block[], `messages[${i}]`);
    else messages.push(assistantTurn(m.content as string | Block[], `messages[${i}]`));
  }
  const out: ChatRequest = { model: req.model, messages };
  if (req.tools !== undefined && req.tools.length > 0) out.tools = req.tools.map(toTool);
  if (req.tool_choice !== undefined) {
    if (out.tools === undefined && req.tool_choice.type !== "none") throw invalid("tool_choice needs tools", "tool_choice");
    const choice = toToolChoice(req.tool_choice);
    if (choice.choice !== undefined && out.tools !== undefined) out.tool_choice = choice.choice;
    if (choice.parallel === false && out.tools !== undefined) out.parallel_tool_calls = false;
  }
  return out;
}

/** A user turn: tool results become tool messages (first, as Anthropic requires them first), the rest one user message. */
function userTurn(out: ChatMessage[], content: string | Block[], at: string): void {
  if (typeof content === "string") {
    out.push({ role: "user", content });
    return;
  }
  const parts: ContentPart[] = [];
  for (let j = 0; j < content.length; j++) {
    const b = content[j];
    const param = `${at}.content[${j}]`;
    if (b.type === "tool_result") out.push(toolMessage(b, param));
    else parts.push(toPart(b, param));
  }
  if (parts.length > 0) out.push({ role: "user", content: parts });
}

function assistantTurn(content: string | Block[], at: string): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  const parts: ContentPart[] = [];
  const calls: ToolCall[] = [];
  const thinking: Block[] = [];
  for (let j = 0; j < content.length; j++) {
    const b = content[j];
    const param = `${at}.content[${j}]`;
    if (b.type === "text") parts.push(withCache({ type: "text", text: b.text as string }, b));
    else if (b.type === "tool_use") calls.push({ id: b.id as string, type: "function", function: { name: b.name as string, arguments: JSON.stringify(b.input) } });
    else if (THINKING_BLOCKS.has(b.type)) thinking.push(b);
    else throw unsupported(b.type, `${param}.type`, "in an assistant turn");
  }
  const msg: ChatMessage = { role: "assistant", content: parts.length === 0 ? (calls.length > 0 || thinking.length > 0 ? null : "") : parts };
  if (calls.length > 0) msg.tool_calls = calls;
  // Signed thinking goes back unchanged (LiteLLM's `thinking_blocks`); the Anthropic adapter writes it first in the turn.
  if (thinking.length > 0) (msg as Record<string, unknown>).thinking_blocks = thinking;
  return msg;
}

function toolMessage(b: Block, param: string): ChatMessage {
  const c = b.content as string | Block[] | undefined;
  const content: string | ContentPart[] = c === undefined ? "" : typeof c === "string" ? c : c.map((x, k) => toPart(x, `${param}.content[${k}]`));
  const msg: ChatMessage = { role: "tool", tool_call_id: b.tool_use_id as string, content };
  // No OpenAI counterpart: carried loose; the Anthropic adapter passes it back as tool_result.is_error.
  if (b.is_error === true) (msg as Record<string, unknown>).is_error = true;
  return msg;
}

function toPart(b: Block, param: string): ContentPart {
  switch (b.type) {
    case "text":
      return withCache({ type: "text", text: b.text as string }, b);
    case "image": {
      const s = b.source as { type: string; media_type?: string; data?: string; url?: string };
      const url = s.type === "base64" ? `data:${s.media_type};base64,${s.data}` : (s.url as string);
      return withCache({ type: "image_url", image_url: { url } }, b);
    }
    case "document": {
      const s = b.source as { type: string; media_type?: string; data?: string };
      if (s.type === "text") return withCache({ type: "text", text: s.data as string }, b);
      if (s.type === "base64" && s.media_type === "application/pdf") {
        return withCache({ type: "file", file: { file_data: `data:application/pdf;base64,${s.data}` } } as ContentPart, b);
      }
      throw invalid("a document must be a base64 PDF or plain text; URL documents cannot be carried to every target", `${param}.source`);
    }
    default:
      throw unsupported(b.type, `${param}.type`, "here");
  }
}

function toTool(t: NonNullable<AnthropicMessagesRequest["tools"]>[number], i: number): FunctionTool {
  if (t.type !== undefined && t.type !== "custom") {
    throw invalid(`server tool '${t.type}' runs inside Anthropic's API and cannot be routed through Keel; declare a client tool`, `tools[${i}].type`);
  }
  const fn: FunctionTool["function"] = { name: t.name, parameters: t.input_schema ?? { type: "object", properties: {} } };
  if (t.description !== undefined) fn.description = t.description;
  const tool: FunctionTool = { type: "function", function: fn };
  // Carried on the tool, where the Anthropic adapter reads a caching breakpoint.
  return withCache(tool, t);
}

function toToolChoice(c: NonNullable<AnthropicMessagesRequest["tool_choice"]>): { choice?: ToolChoice; parallel?: boolean } {
  const parallel = "disable_parallel_tool_use" in c && c.disable_parallel_tool_use === true ? false : undefined;
  switch (c.type) {
    case "auto": return { choice: "auto", parallel };
    case "any": return { choice: "required", parallel };
    case "tool": return { choice: { type: "function", function: { name: c.name as string } }, parallel };
    default: return { choice: "none" };
  }
}

function withCache<T extends object>(part: T, from: object): T {
  const cc = (from as { cache_control?: unknown }).cache_control;
  if (cc !== undefined) (part as { cache_control?: unknown }).cache_control = cc;
  return part;
}

function unsupported(type: unknown, param: string, where: string): KeelError {
  return invalid(`content block type '${String(type)}' is not supported ${where}: Keel cannot translate it for its targets`, param);
}

function invalid(message: string, param: string): KeelError {
  return new KeelError("invalid_request", message, { param });
}

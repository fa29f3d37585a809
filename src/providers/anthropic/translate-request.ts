/**
 * OpenAI ChatRequest → Anthropic /v1/messages body. Pure: no I/O, throws KeelError
 * `invalid_request` (with the offending `param`) for what Anthropic cannot express.
 *
 * Anthropic differs from OpenAI in four ways this file absorbs: system prompts are a top-level
 * field, not messages; turns must alternate user/assistant (consecutive same-role turns are merged,
 * and tool results are user turns); tool calls and results are content blocks; and there is no
 * JSON mode, so `response_format` becomes a forced tool whose input is the answer.
 */
import type { ChatMessage, ChatRequest, ContentPart, FunctionTool, ToolChoice } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type {
  AnthropicContentBlock,
  AnthropicImageBlock,
  AnthropicMessageParam,
  AnthropicRequest,
  AnthropicTextBlock,
  AnthropicTool,
  AnthropicToolChoice,
  AnthropicToolResultBlock,
} from "./wire-types.js";

/** The tool `response_format` becomes; responses map its input back to message content. */
export const JSON_OUTPUT_TOOL = "json_output";

export interface TranslatedRequest {
  body: AnthropicRequest;
  /** response_format asked for JSON: a json_output tool_use in the answer is the content. */
  jsonOutput: boolean;
}

export function toAnthropicRequest(req: ChatRequest, defaultMaxTokens: number): TranslatedRequest {
  if (req.n != null && req.n !== 1) throw invalid("Anthropic returns one choice per request; n must be 1", "n");
  const system: AnthropicTextBlock[] = [];
  const messages: AnthropicMessageParam[] = [];
  for (let i = 0; i < req.messages.length; i++) {
    const m = req.messages[i];
    const at = `messages[${i}]`;
    switch (m.role) {
      case "system":
      case "developer":
        // Anthropic has one system prompt: system messages anywhere in the conversation join it, in order.
        for (const block of textBlocks(m.content, `${at}.content`)) if (block.text !== "") system.push(block);
        break;
      case "user":
        append(messages, "user", typeof m.content === "string" ? m.content : partsToBlocks(m.content ?? [], `${at}.content`));
        break;
      case "assistant":
        append(messages, "assistant", assistantContent(m, at));
        break;
      case "tool":
        append(messages, "user", [toolResult(m, at)]);
        break;
      default:
        throw invalid(`role "${m.role}" is not supported by Anthropic`, `${at}.role`);
    }
  }

  const body: AnthropicRequest = {
    model: req.model,
    max_tokens: req.max_completion_tokens ?? req.max_tokens ?? defaultMaxTokens,
    messages,
  };
  if (system.length > 0) {
    // one plain block reads best as the documented string form; cache_control needs the block form
    body.system = system.length === 1 && system[0].cache_control === undefined ? system[0].text : system;
  }
  if (typeof req.stop === "string") body.stop_sequences = [req.stop];
  else if (Array.isArray(req.stop) && req.stop.length > 0) body.stop_sequences = req.stop;
  if (typeof req.temperature === "number") body.temperature = req.temperature;
  if (typeof req.top_p === "number") body.top_p = req.top_p;
  if (typeof req.top_k === "number") body.top_k = req.top_k;
  if (typeof req.user === "string" && req.user !== "") body.metadata = { user_id: req.user };
  // Extended thinking, as the Messages inbound surface carries it (not an OpenAI field): passed as is.
  const thinking = (req as { thinking?: unknown }).thinking;
  if (thinking !== undefined && thinking !== null) body.thinking = thinking;

  const tools = (req.tools ?? []).map(toTool);
  let choice = toolChoice(req.tool_choice, req.parallel_tool_calls);
  const format = req.response_format;
  const jsonOutput = format?.type === "json_schema" || format?.type === "json_object";
  if (jsonOutput) {
    const spec = format.type === "json_schema" ? format.json_schema : undefined;
    tools.push({
      name: JSON_OUTPUT_TOOL,
      description: spec?.description ?? "Give your final answer as this tool's input, matching its schema exactly.",
      input_schema: spec?.schema ?? { type: "object" },
    });
    if (tools.length === 1 || choice === undefined || choice.type === "none" || choice.type === "auto") {
      // Alone, the JSON tool is forced; beside the client's tools the model must call one of them
      // or answer through json_output. A named tool_choice stays as the client set it.
      const only = tools.length === 1 || choice?.type === "none";
      const parallel = req.parallel_tool_calls === false ? { disable_parallel_tool_use: true } : {};
      choice = only ? { type: "tool", name: JSON_OUTPUT_TOOL, ...parallel } : { type: "any", ...parallel };
    }
  }
  if (tools.length > 0) {
    body.tools = tools;
    if (choice !== undefined) body.tool_choice = choice;
  }
  return { body, jsonOutput };
}

function append(out: AnthropicMessageParam[], role: "user" | "assistant", content: string | AnthropicContentBlock[] | null): void {
  if (content === null || (Array.isArray(content) && content.length === 0)) return;
  const last = out[out.length - 1];
  if (last?.role !== role) {
    out.push({ role, content });
    return;
  }
  // Anthropic wants alternating turns: fold this one into the previous turn of the same role.
  last.content = [...asBlocks(last.content), ...asBlocks(content)];
}

function asBlocks(content: string | AnthropicContentBlock[]): AnthropicContentBlock[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function assistantContent(m: ChatMessage, at: string): string | AnthropicContentBlock[] | null {
  const calls = m.tool_calls ?? [];
  // Signed thinking from an earlier turn (LiteLLM's `thinking_blocks`): Anthropic wants it back first, unchanged.
  const thinking = (m as { thinking_blocks?: unknown }).thinking_blocks;
  const kept = Array.isArray(thinking) ? (thinking as AnthropicContentBlock[]) : [];
  if (typeof m.content === "string" && calls.length === 0 && kept.length === 0) return m.content === "" ? null : m.content;
  const blocks: AnthropicContentBlock[] = [...kept];
  if (typeof m.content === "string") {
    if (m.content !== "") blocks.push({ type: "text", text: m.content });
  } else if (Array.isArray(m.content)) {
    for (let j = 0; j < m.content.length; j++) {
      const part = m.content[j];
      // a refusal the client echoes back is still what the assistant said
      const text = part.type === "refusal" ? (part as { refusal?: unknown }).refusal : part.type === "text" ? part.text : undefined;
      if (typeof text !== "string") throw invalid(`assistant content part type "${part.type}" is not supported`, `${at}.content[${j}].type`);
      if (text !== "") blocks.push(withCache({ type: "text", text }, part));
    }
  }
  for (let j = 0; j < calls.length; j++) {
    const call = calls[j];
    blocks.push({ type: "tool_use", id: call.id, name: call.function.name, input: parseArguments(call.function.arguments, `${at}.tool_calls[${j}].function.arguments`) });
  }
  return blocks;
}

function parseArguments(args: string, param: string): unknown {
  if (args === "" || args == null) return {};
  try {
    return JSON.parse(args);
  } catch {
    throw invalid("tool call arguments are not valid JSON", param);
  }
}

function toolResult(m: ChatMessage, at: string): AnthropicToolResultBlock {
  if (typeof m.tool_call_id !== "string" || m.tool_call_id === "") throw invalid("a tool message needs tool_call_id", `${at}.tool_call_id`);
  const content = typeof m.content === "string" ? m.content : partsToBlocks(m.content ?? [], `${at}.content`);
  const out: AnthropicToolResultBlock = { type: "tool_result", tool_use_id: m.tool_call_id, content: content as AnthropicToolResultBlock["content"] };
  // Not an OpenAI field: set by the Messages inbound surface (gateway/anthropic/request-to-chat.ts).
  if ((m as { is_error?: unknown }).is_error === true) out.is_error = true;
  return out;
}

function textBlocks(content: ChatMessage["content"], at: string): AnthropicTextBlock[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  const out: AnthropicTextBlock[] = [];
  const parts = content ?? [];
  for (let j = 0; j < parts.length; j++) {
    const part = parts[j];
    if (part.type !== "text" || typeof part.text !== "string") throw invalid(`only text parts are allowed here, not "${part.type}"`, `${at}[${j}].type`);
    out.push(withCache({ type: "text", text: part.text }, part));
  }
  return out;
}

function partsToBlocks(parts: ContentPart[], at: string): AnthropicContentBlock[] {
  const out: AnthropicContentBlock[] = [];
  for (let j = 0; j < parts.length; j++) {
    const part = parts[j];
    const param = `${at}[${j}]`;
    if (part.type === "text" && typeof part.text === "string") out.push(withCache({ type: "text", text: part.text }, part));
    else if (part.type === "image_url") out.push(withCache(imageBlock((part as { image_url?: { url?: unknown } }).image_url?.url, param), part));
    else if (part.type === "file") out.push(withCache(documentBlock(part, param), part));
    else throw invalid(`content part type "${part.type}" is not supported by Anthropic`, `${param}.type`);
  }
  return out;
}

function imageBlock(url: unknown, param: string): AnthropicImageBlock {
  if (typeof url !== "string") throw invalid("image_url.url must be a string", `${param}.image_url.url`);
  if (url.startsWith("data:")) return { type: "image", source: base64Source(url, `${param}.image_url.url`) };
  if (url.startsWith("https://") || url.startsWith("http://")) return { type: "image", source: { type: "url", url } };
  throw invalid("image_url.url must be a data: URL or an http(s) URL", `${param}.image_url.url`);
}

/** OpenAI's `{type:"file", file:{file_data:"data:application/pdf;base64,…"}}` → a PDF document block. */
function documentBlock(part: ContentPart, param: string): AnthropicContentBlock {
  const data = (part as { file?: { file_data?: unknown } }).file?.file_data;
  if (typeof data !== "string" || !data.startsWith("data:application/pdf")) {
    throw invalid("file parts must carry a PDF as file_data (data:application/pdf;base64,…); file ids are not supported", `${param}.file`);
  }
  return { type: "document", source: base64Source(data, `${param}.file.file_data`) };
}

function base64Source(url: string, param: string): { type: "base64"; media_type: string; data: string } {
  const comma = url.indexOf(",");
  const meta = comma === -1 ? "" : url.slice(5, comma);
  if (!meta.endsWith(";base64")) throw invalid("data: URLs must be base64-encoded", param);
  return { type: "base64", media_type: meta.slice(0, meta.indexOf(";")), data: url.slice(comma + 1) };
}

/** Prompt-caching breakpoints ride along on any part or tool that carries one. */
function withCache<T extends object>(block: T, from: object): T {
  const cc = (from as { cache_control?: unknown }).cache_control;
  if (cc !== undefined) (block as { cache_control?: unknown }).cache_control = cc;
  return block;
}

function toTool(tool: FunctionTool, i: number): AnthropicTool {
  if (tool.type !== "function" || typeof tool.function?.name !== "string") {
    throw invalid(`tool type "${tool.type}" is not supported by Anthropic; use function tools`, `tools[${i}]`);
  }
  const out: AnthropicTool = { name: tool.function.name, input_schema: tool.function.parameters ?? { type: "object", properties: {} } };
  if (tool.function.description !== undefined) out.description = tool.function.description;
  // LiteLLM's convention puts cache_control on the tool; accept it on the function too
  return withCache(withCache(out, tool.function), tool);
}

function toolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): AnthropicToolChoice | undefined {
  let out: Exclude<AnthropicToolChoice, { type: "none" }> | undefined;
  if (choice === "auto") out = { type: "auto" };
  else if (choice === "required") out = { type: "any" };
  else if (choice === "none") return { type: "none" };
  else if (choice !== undefined && typeof choice === "object") out = { type: "tool", name: choice.function.name };
  else if (parallel === false) out = { type: "auto" };
  if (out !== undefined && parallel === false) out.disable_parallel_tool_use = true;
  return out;
}

function invalid(message: string, param: string): KeelError {
  return new KeelError("invalid_request", message, { param });
}

import type { ChatMessage, ChatRequest } from "../api/chat-types.js";
import type { ResponsesInputItem, ResponsesRequest } from "../api/responses-schema.js";
import { KeelError } from "../errors/errors.js";

/**
 * The Responses request translated at the edge into Keel's one internal request model, a chat
 * request (issue 20: no second pipeline). Pure. `previous` is the conversation of the response
 * named by `previous_response_id` (its input and output, without its instructions: OpenAI does not
 * carry instructions over). A field with no chat equivalent is a 400 naming it.
 */
export function toChatRequest(req: ResponsesRequest, previous: readonly ChatMessage[] | null): { chat: ChatRequest; turn: ChatMessage[] } {
  const turn = typeof req.input === "string" ? [{ role: "user", content: req.input } as ChatMessage] : inputMessages(req.input);
  const messages: ChatMessage[] = [];
  if (req.instructions) messages.push({ role: "system", content: req.instructions });
  if (previous) for (const m of previous) messages.push(m);
  for (const m of turn) messages.push(m);
  if (req.reasoning?.summary) {
    throw new KeelError("invalid_request", "'reasoning.summary' cannot be translated: Keel serves Responses through chat completions, which return no reasoning summaries.", { param: "reasoning.summary" });
  }
  const chat: ChatRequest = { model: req.model, messages };
  if (req.stream) {
    chat.stream = true;
    chat.stream_options = { include_usage: true };
  }
  if (req.tools && req.tools.length > 0) {
    chat.tools = req.tools.map((t) => ({
      type: "function" as const,
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        ...(t.parameters ? { parameters: t.parameters } : {}),
        ...(t.strict === undefined || t.strict === null ? {} : { strict: t.strict }),
      },
    }));
  }
  if (req.tool_choice !== undefined) chat.tool_choice = typeof req.tool_choice === "string" ? req.tool_choice : { type: "function", function: { name: req.tool_choice.name } };
  if (typeof req.parallel_tool_calls === "boolean" && chat.tools) chat.parallel_tool_calls = req.parallel_tool_calls;
  const format = req.text?.format;
  if (format && format.type !== "text") {
    chat.response_format = format.type === "json_object"
      ? { type: "json_object" }
      : { type: "json_schema", json_schema: { name: format.name, schema: format.schema, ...(format.description ? { description: format.description } : {}), ...(format.strict === undefined ? {} : { strict: format.strict }) } };
  }
  if (typeof req.max_output_tokens === "number") chat.max_completion_tokens = req.max_output_tokens;
  if (typeof req.temperature === "number") chat.temperature = req.temperature;
  if (typeof req.top_p === "number") chat.top_p = req.top_p;
  if (req.metadata) chat.metadata = req.metadata;
  if (req.user !== undefined) chat.user = req.user;
  if (req.reasoning?.effort) (chat as Record<string, unknown>).reasoning_effort = req.reasoning.effort;
  return { chat, turn };
}

/** Input items in order; consecutive function calls become one assistant message with several tool calls. */
function inputMessages(items: readonly ResponsesInputItem[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.type === "function_call") {
      const call = { id: item.call_id, type: "function" as const, function: { name: item.name, arguments: item.arguments } };
      const last = out.at(-1);
      // An answer and the calls it made are one assistant turn in chat.
      if (last && last.role === "assistant") (last.tool_calls ??= []).push(call);
      else out.push({ role: "assistant", content: null, tool_calls: [call] });
    } else if (item.type === "function_call_output") {
      const text = typeof item.output === "string" ? item.output : item.output.map((p) => p.text).join("");
      out.push({ role: "tool", tool_call_id: item.call_id, content: text });
    } else {
      out.push(messageOf(item, i));
    }
  }
  return out;
}

function messageOf(item: Extract<ResponsesInputItem, { role: string }>, index: number): ChatMessage {
  if (typeof item.content === "string") return { role: item.role, content: item.content };
  if (item.role === "assistant") {
    // Chat's assistant content is text; a replayed answer's parts are joined, a refusal kept as one.
    let text = "";
    let refusal: string | null = null;
    for (const p of item.content) {
      if (p.type === "output_text" || p.type === "input_text") text += p.text;
      else if (p.type === "refusal") refusal = p.refusal;
      else throw new KeelError("invalid_request", `Invalid 'input[${index}].content': an assistant message carries output_text or refusal parts, not ${p.type}.`, { param: `input[${index}].content` });
    }
    return refusal === null ? { role: "assistant", content: text } : { role: "assistant", content: text || null, refusal };
  }
  const parts = item.content.map((p, j) => {
    if (p.type === "input_text") return { type: "text" as const, text: p.text };
    if (p.type === "input_image") return { type: "image_url" as const, image_url: { url: p.image_url, ...(p.detail ? { detail: p.detail } : {}) } };
    throw new KeelError("invalid_request", `Invalid 'input[${index}].content[${j}]': a ${item.role} message carries input_text or input_image parts, not ${p.type}.`, { param: `input[${index}].content[${j}]` });
  });
  return { role: item.role, content: parts };
}

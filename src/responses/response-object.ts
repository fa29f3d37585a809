import type { ChatCompletion, FinishReason, ToolCall, Usage } from "../api/chat-types.js";
import type { ResponsesFunctionTool, ResponsesRequest } from "../api/responses-schema.js";
import { randomHex } from "../random/random-hex.js";

/**
 * OpenAI's Response object as Keel answers it (`POST /v1/responses`, `GET /v1/responses/{id}`),
 * built from Keel's internal chat completion. Field order follows OpenAI's published examples, so
 * a byte comparison against them only differs in values.
 */

export interface OutputText { type: "output_text"; annotations: unknown[]; logprobs: unknown[]; text: string }
export interface OutputRefusal { type: "refusal"; refusal: string }
export interface MessageItem {
  id: string;
  type: "message";
  status: "in_progress" | "completed" | "incomplete";
  content: (OutputText | OutputRefusal)[];
  role: "assistant";
}
export interface FunctionCallItem {
  id: string;
  type: "function_call";
  status: "in_progress" | "completed" | "incomplete";
  arguments: string;
  call_id: string;
  name: string;
}
export type OutputItem = MessageItem | FunctionCallItem;

export interface ResponseUsage {
  input_tokens: number;
  input_tokens_details: { cached_tokens: number };
  output_tokens: number;
  output_tokens_details: { reasoning_tokens: number };
  total_tokens: number;
}

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: false;
  completed_at: number | null;
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  instructions: string | null;
  max_output_tokens: number | null;
  max_tool_calls: null;
  model: string;
  output: OutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  store: boolean;
  temperature: number;
  text: { format: Record<string, unknown>; verbosity: string };
  tool_choice: unknown;
  tools: Record<string, unknown>[];
  top_p: number;
  truncation: "disabled";
  usage: ResponseUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

export const newResponseId = (): string => `resp_${randomHex(24)}`;
export const newMessageId = (): string => `msg_${randomHex(24)}`;
export const newCallItemId = (): string => `fc_${randomHex(24)}`;

/** The response as it starts (streams' `response.created`): the request's settings echoed, no output yet. */
export function pendingResponse(id: string, createdAt: number, req: ResponsesRequest): ResponseObject {
  return {
    id,
    object: "response",
    created_at: createdAt,
    status: "in_progress",
    background: false,
    completed_at: null,
    error: null,
    incomplete_details: null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    max_tool_calls: null,
    model: req.model,
    output: [],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: req.previous_response_id ?? null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: req.reasoning?.summary ?? null },
    store: req.store !== false,
    temperature: req.temperature ?? 1,
    text: { format: req.text?.format ?? { type: "text" }, verbosity: req.text?.verbosity ?? "medium" },
    tool_choice: req.tool_choice ?? "auto",
    tools: (req.tools ?? []).map(echoTool),
    top_p: req.top_p ?? 1,
    truncation: "disabled",
    usage: null,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

function echoTool(t: ResponsesFunctionTool): Record<string, unknown> {
  return { type: "function", name: t.name, description: t.description ?? null, parameters: t.parameters ?? null, strict: t.strict ?? true };
}

/** The finished response from a chat completion's first choice (Keel asks for one). */
export function completedResponse(base: ResponseObject, completion: ChatCompletion, nowSeconds: number): ResponseObject {
  const choice = completion.choices[0];
  const output: OutputItem[] = [];
  const content = choice?.message.content;
  const refused = choice?.message.refusal;
  if ((typeof content === "string" && content.length > 0) || refused) {
    output.push(messageItem(newMessageId(), "completed", typeof content === "string" ? content : "", refused ?? null));
  }
  for (const call of choice?.message.tool_calls ?? []) output.push(callItem(call));
  return finished(base, output, choice?.finish_reason ?? null, completion.usage ?? null, completion.model, nowSeconds);
}

export function messageItem(id: string, status: MessageItem["status"], text: string, refusal: string | null): MessageItem {
  const content: MessageItem["content"] = [];
  if (text.length > 0 || refusal === null) content.push({ type: "output_text", annotations: [], logprobs: [], text });
  if (refusal !== null) content.push({ type: "refusal", refusal });
  return { id, type: "message", status, content, role: "assistant" };
}

function callItem(call: ToolCall): FunctionCallItem {
  return { id: newCallItemId(), type: "function_call", status: "completed", arguments: call.function.arguments, call_id: call.id, name: call.function.name };
}

/** Status, usage and output filled in: `length` is OpenAI's `incomplete` with reason max_output_tokens. */
export function finished(base: ResponseObject, output: OutputItem[], finish: FinishReason | null, usage: Usage | null, model: string, nowSeconds: number): ResponseObject {
  const incomplete = finish === "length" ? "max_output_tokens" : finish === "content_filter" ? "content_filter" : null;
  return {
    ...base,
    status: incomplete ? "incomplete" : "completed",
    completed_at: incomplete ? null : nowSeconds,
    incomplete_details: incomplete ? { reason: incomplete } : null,
    model: model || base.model,
    output,
    usage: usage ? responseUsage(usage) : null,
  };
}

export function responseUsage(u: Usage): ResponseUsage {
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

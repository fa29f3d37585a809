import type { z } from "zod";
import type {
  chatMessageSchema, chatRequestSchema, contentPartSchema, embeddingsRequestSchema, functionToolSchema, imagePartSchema, otherPartSchema,
  responseFormatSchema, textPartSchema, toolCallSchema, toolChoiceSchema,
} from "./chat-schema.js";

/**
 * OpenAI Chat Completions shapes, as Keel speaks them on the wire (see OpenAI's API reference).
 * These are the lingua franca between the gateway and every provider adapter: adapters translate
 * their own wire format to and from these types.
 */

// The request side is inferred from the zod schemas that validate it (chat-schema.ts): one
// definition, so a bound or a field added there is the type every adapter sees.
export type ContentPart = z.output<typeof contentPartSchema>;
export type TextPart = z.output<typeof textPartSchema>;
export type ImagePart = z.output<typeof imagePartSchema>;
export type OtherPart = z.output<typeof otherPartSchema>;
export type ToolCall = z.output<typeof toolCallSchema>;
export type ChatMessage = z.output<typeof chatMessageSchema>;
export type Role = ChatMessage["role"];
export type FunctionTool = z.output<typeof functionToolSchema>;
export type ToolChoice = z.output<typeof toolChoiceSchema>;
export type ResponseFormat = z.output<typeof responseFormatSchema>;
export type JsonSchema = { [k: string]: unknown };

/** A chat body as validated: `model` and `messages` may be missing when it names a prompt. */
export type SentChatRequest = z.output<typeof chatRequestSchema>;
/**
 * A chat body ready for a model: a model and messages, whether sent or brought by a prompt
 * (gateway/prompt-step.ts). What routing, the guard and every provider adapter take.
 */
export type ChatRequest = SentChatRequest & { model: string; messages: ChatMessage[] };

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number; cache_creation_tokens?: number; [k: string]: unknown };
  completion_tokens_details?: { reasoning_tokens?: number; [k: string]: unknown };
}

export interface ChatChoice {
  index: number;
  message: { role: "assistant"; content: string | null; tool_calls?: ToolCall[]; refusal?: string | null };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: ChatChoice[];
  usage?: Usage;
  system_fingerprint?: string | null;
  [k: string]: unknown;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChunkChoice {
  index: number;
  delta: { role?: "assistant"; content?: string | null; tool_calls?: ToolCallDelta[]; refusal?: string | null };
  finish_reason: FinishReason | null;
  logprobs?: unknown;
}

export interface ChatChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: ChunkChoice[];
  usage?: Usage | null;
  system_fingerprint?: string | null;
  [k: string]: unknown;
}

export type EmbeddingsRequest = z.output<typeof embeddingsRequestSchema>;

export interface EmbeddingsResponse {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

/**
 * The slice of Anthropic's Messages API (POST /v1/messages, anthropic-version 2023-06-01) that the
 * adapter writes and reads. Only what the translators touch is typed; see
 * https://docs.anthropic.com/en/api/messages and …/messages-streaming.
 */
import type { JsonSchema } from "../../api/chat-types.js";

export interface AnthropicTextBlock { type: "text"; text: string; cache_control?: unknown }

export type AnthropicSource =
  | { type: "base64"; media_type: string; data: string }
  | { type: "url"; url: string };

export interface AnthropicImageBlock { type: "image"; source: AnthropicSource; cache_control?: unknown }
export interface AnthropicDocumentBlock { type: "document"; source: AnthropicSource; cache_control?: unknown }
export interface AnthropicToolUseBlock { type: "tool_use"; id: string; name: string; input: unknown; cache_control?: unknown }

export interface AnthropicToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | (AnthropicTextBlock | AnthropicImageBlock | AnthropicDocumentBlock)[];
  cache_control?: unknown;
  is_error?: boolean;
}

export type AnthropicContentBlock =
  | AnthropicTextBlock
  | AnthropicImageBlock
  | AnthropicDocumentBlock
  | AnthropicToolUseBlock
  | AnthropicToolResultBlock;

export interface AnthropicMessageParam {
  role: "user" | "assistant";
  content: string | AnthropicContentBlock[];
}

export interface AnthropicTool { name: string; description?: string; input_schema: JsonSchema; cache_control?: unknown }

export type AnthropicToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export interface AnthropicRequest {
  model: string;
  max_tokens: number;
  messages: AnthropicMessageParam[];
  system?: string | AnthropicTextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  metadata?: { user_id: string };
  tools?: AnthropicTool[];
  tool_choice?: AnthropicToolChoice;
  /** Extended thinking (`{type:"enabled", budget_tokens}`), passed as the client sent it. */
  thinking?: unknown;
  stream?: boolean;
}

export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  [k: string]: unknown;
}

/** Response blocks: text and tool_use are translated; thinking, server tools and newer kinds are skipped. */
export type AnthropicResponseBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: unknown }
  | { type: string; [k: string]: unknown };

export type AnthropicStopReason = "end_turn" | "max_tokens" | "stop_sequence" | "tool_use" | "pause_turn" | "refusal" | (string & {});

export interface AnthropicMessage {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: AnthropicResponseBlock[];
  stop_reason: AnthropicStopReason | null;
  stop_sequence: string | null;
  usage: AnthropicUsage;
}

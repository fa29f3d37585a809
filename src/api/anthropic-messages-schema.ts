import { z } from "zod";

/**
 * Bounds and shapes of Anthropic's Messages API request (POST /v1/messages, anthropic-version
 * 2023-06-01), as Keel accepts it inbound (docs/inbound-anthropic.md). Schema only: the
 * translation into Keel's one internal chat request lives in gateway/anthropic/. Objects are loose
 * where Anthropic adds fields over time; a field the translation cannot carry is refused there,
 * by name, never dropped.
 */
const MAX_TEXT = 4_000_000;
const MAX_BLOCKS = 1000;

const cacheControl = z.looseObject({ type: z.literal("ephemeral"), ttl: z.string().max(16).optional() }).optional();

export const anthropicTextBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string().max(MAX_TEXT), cache_control: cacheControl });

const base64Source = z.looseObject({ type: z.literal("base64"), media_type: z.string().min(1).max(128), data: z.string().min(1).max(40_000_000) });
const urlSource = z.looseObject({ type: z.literal("url"), url: z.string().min(1).max(20_000) });
const textSource = z.looseObject({ type: z.literal("text"), media_type: z.string().max(128).optional(), data: z.string().max(MAX_TEXT) });

export const anthropicImageBlockSchema = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [base64Source, urlSource]),
  cache_control: cacheControl,
});

export const anthropicDocumentBlockSchema = z.looseObject({
  type: z.literal("document"),
  source: z.discriminatedUnion("type", [base64Source, urlSource, textSource]),
  title: z.string().max(1000).nullable().optional(),
  cache_control: cacheControl,
});

export const anthropicToolUseBlockSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string().min(1).max(512),
  name: z.string().min(1).max(256),
  input: z.record(z.string(), z.unknown()),
  cache_control: cacheControl,
});

export const anthropicToolResultBlockSchema = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string().min(1).max(512),
  content: z.union([z.string().max(MAX_TEXT), z.array(z.union([anthropicTextBlockSchema, anthropicImageBlockSchema, anthropicDocumentBlockSchema])).max(MAX_BLOCKS)]).optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

/** Any other block (thinking, server-tool results, newer kinds): its type is checked, the translation decides. */
const otherBlockSchema = z.looseObject({
  type: z.string().min(1).max(64).refine((t) => !["text", "image", "document", "tool_use", "tool_result"].includes(t), { message: "a content block is malformed", abort: true }),
});

export const anthropicBlockSchema = z.union([
  anthropicTextBlockSchema, anthropicImageBlockSchema, anthropicDocumentBlockSchema, anthropicToolUseBlockSchema, anthropicToolResultBlockSchema, otherBlockSchema,
]);

export const anthropicMessageSchema = z.looseObject({
  role: z.enum(["user", "assistant"]),
  content: z.union([z.string().max(MAX_TEXT), z.array(anthropicBlockSchema).max(MAX_BLOCKS)]),
});

export const anthropicToolSchema = z.looseObject({
  // Absent or "custom": a client tool. Anything else is a server tool (web search, code execution…).
  type: z.string().min(1).max(64).optional(),
  name: z.string().min(1).max(64).regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only"),
  description: z.string().max(100_000).optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
  cache_control: cacheControl,
});

export const anthropicToolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("tool"), name: z.string().min(1).max(64), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("none") }),
]);

const messagesFields = {
  model: z.string().min(1).max(256),
  messages: z.array(anthropicMessageSchema).min(1).max(10_000),
  system: z.union([z.string().max(MAX_TEXT), z.array(anthropicTextBlockSchema).max(MAX_BLOCKS)]).optional(),
  tools: z.array(anthropicToolSchema).max(512).optional(),
  tool_choice: anthropicToolChoiceSchema.optional(),
  thinking: z.looseObject({ type: z.enum(["enabled", "disabled"]), budget_tokens: z.int().min(1).max(10_000_000).optional() }).optional(),
};

export const anthropicMessagesRequestSchema = z.looseObject({
  ...messagesFields,
  // Required, as Anthropic requires it.
  max_tokens: z.int().min(1).max(10_000_000),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string().min(1).max(1000)).max(64).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.int().min(0).max(1_000_000).optional(),
  metadata: z.looseObject({ user_id: z.string().max(256).nullable().optional() }).optional(),
});

/** POST /v1/messages/count_tokens: the prompt's fields only (no max_tokens). */
export const anthropicCountTokensRequestSchema = z.looseObject(messagesFields);

export type AnthropicMessagesRequest = z.output<typeof anthropicMessagesRequestSchema>;
export type AnthropicCountTokensRequest = z.output<typeof anthropicCountTokensRequestSchema>;
export type AnthropicInboundBlock = z.output<typeof anthropicBlockSchema>;

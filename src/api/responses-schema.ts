import { z } from "zod";

/**
 * Bounds and shapes of OpenAI's Responses API request (`POST /v1/responses`) as Keel accepts it.
 * Strict objects on purpose: a field Keel cannot translate into its internal chat request is a 400
 * naming it, never silently dropped (issue 20). Limits match the chat schema's.
 */
const MAX_TEXT = 4_000_000;
const MAX_ITEMS = 10_000;

const inputText = z.strictObject({ type: z.literal("input_text"), text: z.string().max(MAX_TEXT) });
const inputImage = z.strictObject({
  type: z.literal("input_image"),
  image_url: z.string().min(1).max(20_000_000),
  detail: z.enum(["auto", "low", "high"]).optional(),
});
// Assistant turns replayed by the client carry the parts Keel itself answered with.
const outputText = z.strictObject({
  type: z.literal("output_text"),
  text: z.string().max(MAX_TEXT),
  annotations: z.array(z.unknown()).max(1000).optional(),
  logprobs: z.array(z.unknown()).max(100_000).optional(),
});
const refusal = z.strictObject({ type: z.literal("refusal"), refusal: z.string().max(MAX_TEXT) });
export const responsesContentPartSchema = z.discriminatedUnion("type", [inputText, inputImage, outputText, refusal]);

const messageItem = z.strictObject({
  type: z.literal("message").optional(),
  id: z.string().max(512).optional(),
  status: z.enum(["in_progress", "completed", "incomplete"]).optional(),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: z.union([z.string().max(MAX_TEXT), z.array(responsesContentPartSchema).max(1000)]),
});
const functionCallItem = z.strictObject({
  type: z.literal("function_call"),
  id: z.string().max(512).optional(),
  status: z.enum(["in_progress", "completed", "incomplete"]).optional(),
  call_id: z.string().min(1).max(512),
  name: z.string().min(1).max(64),
  arguments: z.string().max(MAX_TEXT),
});
const functionCallOutputItem = z.strictObject({
  type: z.literal("function_call_output"),
  id: z.string().max(512).optional(),
  status: z.enum(["in_progress", "completed", "incomplete"]).optional(),
  call_id: z.string().min(1).max(512),
  output: z.union([z.string().max(MAX_TEXT), z.array(inputText).max(1000)]),
});
// A message item may omit `type` (the SDK's EasyInputMessage), so the union is not discriminated.
export const responsesInputItemSchema = z.union([functionCallItem, functionCallOutputItem, messageItem]);

export const responsesFunctionToolSchema = z.strictObject({
  type: z.literal("function"),
  name: z.string().min(1).max(64).regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only"),
  description: z.string().max(100_000).nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

const formatSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("text") }),
  z.strictObject({ type: z.literal("json_object") }),
  z.strictObject({
    type: z.literal("json_schema"),
    name: z.string().min(1).max(64),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().max(10_000).optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

export const responsesRequestSchema = z.strictObject({
  model: z.string().min(1).max(256),
  input: z.union([z.string().max(MAX_TEXT), z.array(responsesInputItemSchema).min(1).max(MAX_ITEMS)]),
  instructions: z.string().max(MAX_TEXT).nullable().optional(),
  previous_response_id: z.string().min(1).max(128).nullable().optional(),
  store: z.boolean().nullable().optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.strictObject({ include_obfuscation: z.boolean().optional() }).nullable().optional(),
  tools: z.array(responsesFunctionToolSchema).max(512).optional(),
  tool_choice: z.union([
    z.enum(["none", "auto", "required"]),
    z.strictObject({ type: z.literal("function"), name: z.string().min(1).max(64) }),
  ]).optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  text: z.strictObject({ format: formatSchema.optional(), verbosity: z.enum(["low", "medium", "high"]).nullable().optional() }).optional(),
  max_output_tokens: z.int().min(1).max(10_000_000).nullable().optional(),
  reasoning: z.strictObject({
    effort: z.enum(["minimal", "low", "medium", "high"]).nullable().optional(),
    summary: z.enum(["auto", "concise", "detailed"]).nullable().optional(),
  }).nullable().optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).refine((m) => Object.keys(m).length <= 16, "at most 16 pairs").nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  user: z.string().max(512).optional(),
  truncation: z.literal("disabled").nullable().optional(),
});

export type ResponsesRequest = z.output<typeof responsesRequestSchema>;
export type ResponsesInputItem = z.output<typeof responsesInputItemSchema>;
export type ResponsesFunctionTool = z.output<typeof responsesFunctionToolSchema>;

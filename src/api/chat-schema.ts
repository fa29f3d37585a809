import { z } from "zod";
import { promptRefSchema } from "./prompt-ref-schema.js";

/**
 * Bounds and shapes for the OpenAI-compatible request bodies. Objects are loose: unknown fields
 * pass through to providers that accept them. Limits are generous for real traffic and stop abuse.
 */
const MAX_MESSAGES = 10_000;
const MAX_TEXT = 4_000_000;

export const textPartSchema = z.looseObject({ type: z.literal("text"), text: z.string().max(MAX_TEXT) });
export const imagePartSchema = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({ url: z.string().min(1).max(20_000_000), detail: z.enum(["auto", "low", "high"]).optional() }),
});
// Any other part type passes through to providers that know it; a malformed text or image part is refused, not passed through.
export const otherPartSchema = z.looseObject({ type: z.string().min(1).max(64).refine((t) => t !== "text" && t !== "image_url", { message: "a text or image_url part is malformed", abort: true }) });
export const contentPartSchema = z.union([textPartSchema, imagePartSchema, otherPartSchema]);

export const toolCallSchema = z.looseObject({
  id: z.string().min(1).max(512),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string().min(1).max(256), arguments: z.string().max(MAX_TEXT) }),
});

export const chatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  content: z.union([z.string().max(MAX_TEXT), z.array(contentPartSchema).max(1000), z.null()]).optional(),
  name: z.string().max(256).optional(),
  tool_calls: z.array(toolCallSchema).max(256).optional(),
  tool_call_id: z.string().max(512).optional(),
});

export const functionToolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1).max(64).regex(/^[a-zA-Z0-9_-]+$/, "letters, digits, _ and - only"),
    description: z.string().max(100_000).optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

export const toolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string().min(1).max(64) }) }),
]);

export const responseFormatSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string().min(1).max(64),
      description: z.string().max(10_000).optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

const stop = z.union([z.string().max(1000), z.array(z.string().max(1000)).max(4), z.null()]);

export const chatRequestSchema = z.looseObject({
  // Optional only for a request that names a prompt (which may bring both): see the refinement below.
  model: z.string().min(1).max(256).optional(),
  messages: z.array(chatMessageSchema).min(1).max(MAX_MESSAGES).optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullable().optional(),
  tools: z.array(functionToolSchema).max(512).optional(),
  tool_choice: toolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: responseFormatSchema.optional(),
  n: z.int().min(1).max(128).nullable().optional(),
  stop: stop.optional(),
  seed: z.int().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.int().min(1).max(10_000_000).nullable().optional(),
  max_completion_tokens: z.int().min(1).max(10_000_000).nullable().optional(),
  user: z.string().max(512).optional(),
  metadata: z.record(z.string().max(64), z.string().max(512)).nullable().optional(),
  // Keel's own: a prompt reference (resolved by the prompt registry stage).
  prompt: promptRefSchema.optional(),
}).superRefine((b, ctx) => {
  // Without a prompt, model and messages are required, reported exactly as a missing field always was.
  if (b.prompt !== undefined) return;
  if (b.model === undefined) ctx.addIssue({ code: "invalid_type", expected: "string", input: undefined, path: ["model"], message: "Invalid input: expected string, received undefined" });
  else if (b.messages === undefined) ctx.addIssue({ code: "invalid_type", expected: "array", input: undefined, path: ["messages"], message: "Invalid input: expected array, received undefined" });
});

const tokenArray = z.array(z.int().min(0)).min(1).max(100_000);
export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1).max(256),
  input: z.union([
    z.string().max(MAX_TEXT),
    z.array(z.string().max(MAX_TEXT)).min(1).max(2048),
    tokenArray,
    z.array(tokenArray).min(1).max(2048),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  dimensions: z.int().min(1).max(100_000).optional(),
  user: z.string().max(512).optional(),
});

/** `messages[0].content` style path for error messages and OpenAI's `param`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join("");
}

import { z } from "zod";

export const anthropicOptionsSchema = z.strictObject({
  name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_.-]*$/i, "letters, digits, . _ - only"),
  kind: z.literal("anthropic"),
  base_url: z.url().default("https://api.anthropic.com"),
  api_key: z.string().min(1).optional(),
  credential: z.string().min(1).optional(),
  anthropic_version: z.string().default("2023-06-01"),
  /** Anthropic requires max_tokens; used when the request sets none. */
  default_max_tokens: z.int().min(1).max(1_000_000).default(4096),
  /** Extra headers on every request (e.g. anthropic-beta); they override Keel's own. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Keep-alive connections to the provider's origin (one undici Pool). */
  connections: z.int().min(1).max(1024).default(64),
  /** Longest wait for response headers, and for each next body chunk; the call's overall deadline is the gateway's. */
  timeout_ms: z.int().min(100).max(3_600_000).default(600_000),
});
export type AnthropicOptions = z.infer<typeof anthropicOptionsSchema>;

import { z } from "zod";

/** Options of an OpenAI-compatible provider: OpenAI, Azure OpenAI, vLLM, Ollama, llama.cpp, SGLang, Groq, Together, Mistral, DeepSeek, OpenRouter. */
export const openaiOptionsSchema = z.strictObject({
  name: z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_.-]*$/i, "letters, digits, . _ - only"),
  kind: z.literal("openai"),
  base_url: z.url().default("https://api.openai.com/v1"),
  /** Literal key (use ${ENV} in keel.yaml), or omit and set `credential` to a stored, encrypted one. */
  api_key: z.string().min(1).optional(),
  credential: z.string().min(1).optional(),
  /** Azure OpenAI: base_url is the resource endpoint; the model is the deployment name. */
  azure: z.strictObject({ api_version: z.string().min(1) }).optional(),
  /** Extra headers on every request (e.g. OpenAI-Organization); they override Keel's own. */
  headers: z.record(z.string(), z.string()).default({}),
  /** Keep-alive connections to the provider's origin (one undici Pool). */
  connections: z.int().min(1).max(1024).default(64),
  /** Longest wait for response headers, and for each next body chunk; the call's overall deadline is the gateway's. */
  timeout_ms: z.int().min(100).max(3_600_000).default(600_000),
  /** Ask for usage on streams (`stream_options.include_usage`); turn off for servers that reject it. */
  stream_usage: z.boolean().default(true),
});
export type OpenAIOptions = z.infer<typeof openaiOptionsSchema>;

import type { PriceConfig } from "../observe/price-schema.js";
import { costUsd } from "../observe/prices.js";
import { countTextTokens } from "../tokens/count.js";

/** What a call may use, reserved at admission and settled on actual usage. */
export interface Estimate {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly tokens: number;
  /** Upper-bound cost at the model's price, nano-USD (0 for a model without a price). */
  readonly costNano: number;
}

export function estimate(promptTokens: number, outputTokens: number, price: PriceConfig | null): Estimate {
  return { promptTokens, outputTokens, tokens: promptTokens + outputTokens, costNano: Math.ceil(costUsd(price, promptTokens, outputTokens) * 1e9) };
}

/** The most completion tokens a chat call can produce: max_completion_tokens, else max_tokens, else the default; times n. */
export function chatOutputBound(body: { max_tokens?: unknown; max_completion_tokens?: unknown; n?: unknown }, fallback: number): number {
  const max = positiveInt(body.max_completion_tokens) ?? positiveInt(body.max_tokens) ?? fallback;
  return max * (positiveInt(body.n) ?? 1);
}

/** Tokens of an embeddings `input`: strings are counted, token arrays are their length. */
export function embeddingInputTokens(input: unknown): number {
  if (typeof input === "string") return countTextTokens(input);
  if (!Array.isArray(input) || input.length === 0) return 0;
  if (typeof input[0] === "number") return input.length;
  let n = 0;
  for (const item of input) n += typeof item === "string" ? countTextTokens(item) : Array.isArray(item) ? item.length : 0;
  return n;
}

export function usdToNano(usd: number): number {
  return Math.round(usd * 1e9);
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

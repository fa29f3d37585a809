import type { PriceConfig } from "./price-schema.js";

/**
 * Shipped list prices in USD per one million tokens (input, output, cached input read, cache write),
 * from the vendors' public price pages. Override or extend them with `prices:` in keel.yaml or a
 * model's `price:`; a dated variant (`gpt-4o-2024-08-06`) takes its family's price by longest prefix.
 */
export const DEFAULT_PRICES: Readonly<Record<string, PriceConfig>> = {
  "gpt-5": { input: 1.25, output: 10, cached_input: 0.125 },
  "gpt-5-mini": { input: 0.25, output: 2, cached_input: 0.025 },
  "gpt-5-nano": { input: 0.05, output: 0.4, cached_input: 0.005 },
  "gpt-4.1": { input: 2, output: 8, cached_input: 0.5 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cached_input: 0.1 },
  "gpt-4.1-nano": { input: 0.1, output: 0.4, cached_input: 0.025 },
  "gpt-4o": { input: 2.5, output: 10, cached_input: 1.25 },
  "gpt-4o-mini": { input: 0.15, output: 0.6, cached_input: 0.075 },
  "o3": { input: 2, output: 8, cached_input: 0.5 },
  "o4-mini": { input: 1.1, output: 4.4, cached_input: 0.275 },
  "text-embedding-3-small": { input: 0.02, output: 0 },
  "text-embedding-3-large": { input: 0.13, output: 0 },
  "claude-opus-4": { input: 15, output: 75, cached_input: 1.5, cache_write: 18.75 },
  "claude-sonnet-4": { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  "claude-sonnet-4-5": { input: 3, output: 15, cached_input: 0.3, cache_write: 3.75 },
  "claude-haiku-4-5": { input: 1, output: 5, cached_input: 0.1, cache_write: 1.25 },
  "claude-3-5-haiku": { input: 0.8, output: 4, cached_input: 0.08, cache_write: 1 },
  "deepseek-chat": { input: 0.27, output: 1.1, cached_input: 0.07 },
  "mistral-large-latest": { input: 2, output: 6 },
  // The simulator has a nominal price so that cost, spend and budgets can be exercised offline.
  "sim": { input: 1, output: 2, cached_input: 0.1 },
  "universal-sentence-encoder-lite": { input: 0, output: 0 },
};

export class PriceTable {
  private readonly table: Map<string, PriceConfig>;
  private readonly keysByLength: string[];
  private readonly memo = new Map<string, PriceConfig | null>();

  constructor(overrides: Readonly<Record<string, PriceConfig>> = {}) {
    this.table = new Map(Object.entries({ ...DEFAULT_PRICES, ...overrides }));
    this.keysByLength = [...this.table.keys()].sort((a, b) => b.length - a.length);
  }

  /** Price of a model by exact name, else the longest known prefix (`provider/` prefixes ignored). */
  lookup(model: string): PriceConfig | null {
    const hit = this.memo.get(model);
    if (hit !== undefined) return hit;
    const bare = model.includes("/") ? model.slice(model.lastIndexOf("/") + 1) : model;
    let found = this.table.get(model) ?? this.table.get(bare) ?? null;
    if (!found) {
      const key = this.keysByLength.find((k) => bare.startsWith(k));
      found = key ? this.table.get(key)! : null;
    }
    if (this.memo.size < 10_000) this.memo.set(model, found);
    return found;
  }
}

/**
 * USD for one call. `tokensIn` includes cached and cache-write tokens (OpenAI's convention; the
 * Anthropic adapter adds them up the same way), so uncached input = in − cached − cacheWrite.
 */
export function costUsd(price: PriceConfig | null, tokensIn: number, tokensOut: number, cached = 0, cacheWrite = 0): number {
  if (!price) return 0;
  const uncached = Math.max(0, tokensIn - cached - cacheWrite);
  const usd =
    uncached * price.input +
    cached * (price.cached_input ?? price.input) +
    cacheWrite * (price.cache_write ?? price.input) +
    tokensOut * price.output;
  return usd / 1_000_000;
}

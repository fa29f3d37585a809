/**
 * Which offline count Keel uses for a model's prompt — limits, budgets, routing's prompt-token
 * conditions, `/v1/messages/count_tokens` and a call whose provider reported no usage all read
 * this one count (the gateway's request memo). Pure.
 *
 * Keel counts with o200k_base (tokenizer.ts): exact for OpenAI's current models, close for most
 * open models. Anthropic's tokenizer for Claude 3 and later is not published and cannot run
 * offline, so a Claude model's count is an **estimate**: the o200k count times a safety factor,
 * rounded up. The factor errs high on purpose (a limit that reserves a little too much is
 * settled back to the provider's actual usage; one that reserves too little lets a burst
 * overshoot). It is not calibrated against Anthropic's own counts; docs/limits.md says so.
 */

export type PromptCounter = "o200k" | "claude-estimate";

/** Claude tokens per o200k token, assumed: Claude's tokenizers split English and code into more pieces than o200k does. */
export const CLAUDE_TOKEN_FACTOR = 1.25;

// A Claude model served elsewhere (a gateway, a cloud's catalogue) keeps its tokenizer: `anthropic/claude-…`, `anthropic.claude-…`.
const CLAUDE_MODEL = /(^|[/.:])claude/i;

/** The count for a model served by a provider of `providerKind` under the upstream name `upstream`. */
export function promptCounterFor(providerKind: string, upstream: string): PromptCounter {
  return providerKind === "anthropic" || CLAUDE_MODEL.test(upstream) ? "claude-estimate" : "o200k";
}

/** A prompt's o200k count as `counter` reports it. */
export function promptEstimate(o200kTokens: number, counter: PromptCounter): number {
  return counter === "claude-estimate" ? Math.ceil(o200kTokens * CLAUDE_TOKEN_FACTOR) : o200kTokens;
}

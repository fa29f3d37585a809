import type { ChatRequest, EmbeddingsRequest } from "../api/chat-types.js";
import { embeddingInputTokens } from "../limits/estimate.js";
import { countPromptTokens, messageText } from "../tokens/count.js";
import { type PromptCounter, promptEstimate } from "../tokens/model-tokenizer.js";

/** What the memo reads: the request's surface and its body once the body is final (after the prompt stage). */
interface MemoSource {
  readonly endpoint: "chat" | "embeddings";
  readonly body: ChatRequest | EmbeddingsRequest | null;
  /** The model's count (set at model admission, before any stage asks); o200k when absent. */
  readonly promptCounter?: PromptCounter;
}

/**
 * Facts derived from one request's body, each computed on first use and then read by every stage
 * that needs it: limits (token rules and budgets), routing (prompt-token conditions) and
 * finalisation (a call without provider usage) used to count the same prompt once each. Nothing is
 * computed for a request no stage asks about. The facts are of `ctx.body` — the body as the client
 * sent it with a named prompt rendered in — which is the body all three counted before.
 */
export class RequestMemo {
  private tokens = -1;
  private texts: string[] | null = null;

  constructor(private readonly source: MemoSource) {}

  /**
   * The prompt's tokens (chat: OpenAI's per-message overhead included, and for a Claude model the
   * documented estimate over it, tokens/model-tokenizer.ts; embeddings: the input's).
   * A bound function, so limits and routing can hold it as their lazy count without a closure each.
   */
  readonly promptTokens = (): number => {
    if (this.tokens < 0) {
      const body = this.source.body;
      if (body === null) return 0;
      this.tokens = this.source.endpoint === "chat"
        ? promptEstimate(countPromptTokens(body as ChatRequest, this.messageTexts()), this.source.promptCounter ?? "o200k")
        : embeddingInputTokens((body as EmbeddingsRequest).input);
    }
    return this.tokens;
  };

  /** Each message's text (string content, text parts, tool calls), in message order. */
  messageTexts(): readonly string[] {
    if (this.texts === null) {
      const messages = (this.source.body as ChatRequest | null)?.messages;
      const texts: string[] = [];
      if (Array.isArray(messages)) for (let i = 0; i < messages.length; i++) texts.push(messageText(messages[i]));
      this.texts = texts;
    }
    return this.texts;
  }
}

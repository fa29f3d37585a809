import { encode } from "../tokens/tokenizer.js";
import type { ChatRequest } from "../api/chat-types.js";
import { BlockHasher } from "../tokens/block-hasher.js";
import { hashString } from "../random/rng.js";
import { messageText } from "../tokens/count.js";

/**
 * A prompt as chained block hashes, for prefix-affinity routing. The token stream is the
 * simulator's (docs/simulator.md, "Prefix caching"): the tools' JSON, then per message a role
 * marker and the o200k tokens of its text, cut into blocks, each hash chaining in the ones before
 * it and the chain seeded by the model name. So with the same seed, block size and prompt, the
 * router's hashes are the simulator's hashes (prompt-blocks.test.ts holds them equal), and a
 * matched block count means the same thing on both sides.
 *
 * Tokenising is the cost (~0.3 µs a token); prompts that share a prefix usually share whole
 * messages — the system prompt, the documents — so token arrays are memoised per message text
 * and a request typically tokenises only its new last message.
 */

/** Above o200k's vocabulary, so a marker never equals a text token (the simulator's constant). */
const MARKER_BASE = 1 << 24;
/** Hash at most this many leading blocks: affinity is decided by the head of a prompt. */
export const MAX_HASHED_BLOCKS = 8192;
/** Texts shorter than this are cheap to tokenise and too many to be worth remembering. */
const MIN_MEMO_CHARS = 256;

export class PromptBlocks {
  private readonly memo = new Map<string, readonly number[]>();
  private chars = 0;

  /** @param maxChars total characters of memoised texts; bounds the memo's memory (tokens ≈ chars/4 × 8 bytes). */
  constructor(private readonly maxChars = 8 * 1024 * 1024) {}

  hashes(req: Pick<ChatRequest, "messages" | "tools">, blockTokens: number, seedName: string): number[] {
    const hasher = new BlockHasher(blockTokens, hashString(seedName));
    const limit = MAX_HASHED_BLOCKS;
    if (req.tools && req.tools.length > 0) pushTokens(hasher, this.tokens(JSON.stringify(req.tools)), limit);
    for (const m of req.messages) {
      if (hasher.hashes.length >= limit) break;
      hasher.push(MARKER_BASE + (hashString(m.role + (m.name ?? "")) & 0xffff));
      const text = messageText(m);
      if (text.length > 0) pushTokens(hasher, this.tokens(text), limit);
    }
    if (hasher.hashes.length > limit) hasher.hashes.length = limit;
    return hasher.hashes;
  }

  private tokens(text: string): readonly number[] {
    if (text.length < MIN_MEMO_CHARS) return encode(text);
    const hit = this.memo.get(text);
    if (hit) {
      // Map order is the LRU order
      this.memo.delete(text);
      this.memo.set(text, hit);
      return hit;
    }
    const tokens = encode(text);
    if (text.length <= this.maxChars / 4) {
      this.memo.set(text, tokens);
      this.chars += text.length;
      while (this.chars > this.maxChars) {
        const oldest = this.memo.keys().next().value as string;
        this.memo.delete(oldest);
        this.chars -= oldest.length;
      }
    }
    return tokens;
  }
}

function pushTokens(hasher: BlockHasher, tokens: readonly number[], limit: number): void {
  for (let i = 0; i < tokens.length && hasher.hashes.length < limit; i++) hasher.push(tokens[i]);
}

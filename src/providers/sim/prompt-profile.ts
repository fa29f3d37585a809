import { encode } from "../../tokens/tokenizer.js";
import type { ChatRequest } from "../../api/chat-types.js";
import { countPromptTokens, messageText } from "../../tokens/count.js";
import { BlockHasher } from "../../tokens/block-hasher.js";
import { hashString } from "../../random/rng.js";

/** What the simulator needs to know about a prompt; everything here is a pure function of it. */
export interface PromptProfile {
  readonly promptTokens: number;
  /** Chained hashes of the prompt's full token blocks, seeded by the model (see tokens/block-hasher.ts). */
  readonly blockHashes: readonly number[];
  /** Hash of tools and messages: seeds every deterministic answer. */
  readonly hash: number;
  /** Text of the last user message: what rules and tool mentions are matched against. */
  readonly lastUser: string;
}

type PromptInput = Pick<ChatRequest, "model" | "messages" | "tools">;

/** Role markers sit above o200k's vocabulary (~200k ids), so they never equal a text token. */
const MARKER_BASE = 1 << 24;

/**
 * The prompt as one token stream for block hashing: tools first (chat templates render them into
 * the system prompt), then per message a role marker and its text's tokens. Usage comes from
 * countPromptTokens, the count the rest of Keel uses; it encodes the same texts, so the second
 * pass here mostly hits gpt-tokenizer's merge cache.
 */
export function profilePrompt(req: PromptInput, blockTokens: number, body = promptBody(req)): PromptProfile {
  const hasher = new BlockHasher(blockTokens, hashString(req.model));
  if (req.tools && req.tools.length > 0) hasher.pushAll(encode(JSON.stringify(req.tools)));
  let lastUser = "";
  for (const m of req.messages) {
    const text = messageText(m);
    hasher.push(MARKER_BASE + (hashString(m.role + (m.name ?? "")) & 0xffff));
    if (text.length > 0) hasher.pushAll(encode(text));
    if (m.role === "user") lastUser = text;
  }
  return { promptTokens: countPromptTokens(req), blockHashes: hasher.hashes, hash: hashString(body), lastUser };
}

/** A stable serialisation of everything that shapes the answer (tools and messages), model excluded. */
export function promptBody(req: PromptInput): string {
  let s = req.tools && req.tools.length > 0 ? JSON.stringify(req.tools) : "";
  for (const m of req.messages) s += "\u0000" + m.role + "\u0001" + (m.name ?? "") + "\u0001" + messageText(m);
  return s;
}

const MAX_ENTRIES = 1024;
/** Total characters of memoised keys: bounds memory at ~16 MB whatever the prompts look like. */
const MAX_CHARS = 8 * 1024 * 1024;
const MAX_KEY_CHARS = 1024 * 1024;

/**
 * Memoised profiles per simulator instance. Tokenising dominates a simulated call (~0.2 µs per
 * prompt token, twice), and load tests repeat prompts, so a repeated prompt costs one map lookup.
 */
export class PromptProfiles {
  private readonly memo = new Map<string, PromptProfile>();
  private chars = 0;

  constructor(private readonly blockTokens: number) {}

  get(req: PromptInput): PromptProfile {
    const body = promptBody(req);
    const key = req.model + "\u0002" + body;
    const hit = this.memo.get(key);
    if (hit) {
      // refresh: Map order is the LRU order
      this.memo.delete(key);
      this.memo.set(key, hit);
      return hit;
    }
    const profile = profilePrompt(req, this.blockTokens, body);
    if (key.length <= MAX_KEY_CHARS) {
      this.memo.set(key, profile);
      this.chars += key.length;
      while (this.memo.size > MAX_ENTRIES || this.chars > MAX_CHARS) {
        const oldest = this.memo.keys().next().value as string;
        this.memo.delete(oldest);
        this.chars -= oldest.length;
      }
    }
    return profile;
  }

  clear(): void {
    this.memo.clear();
    this.chars = 0;
  }
}

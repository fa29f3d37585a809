import type { ChatCompletion } from "../api/chat-types.js";

/** What one entry holds: the answer as the client saw it, and what making it cost (for "saved"). */
export interface CachedAnswer {
  completion: ChatCompletion;
  /** Tokens and USD the original call cost: what each hit saves. */
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

const VERSION = 1;

/** The payload a backend stores: versioned and bound to its key, so a row moved or mangled is caught. */
export function encodeAnswer(key: string, a: CachedAnswer): string {
  return JSON.stringify({ v: VERSION, k: key, c: a.completion, ti: a.tokensIn, to: a.tokensOut, u: a.costUsd });
}

export type Decoded = { ok: true; answer: CachedAnswer } | { ok: false; why: "corrupt" | "oversized" };

/**
 * Reads a payload back, checking all a replay relies on; anything else is `corrupt` and is
 * dropped, never served. `maxChars` bounds what is parsed at all.
 */
export function decodeAnswer(key: string, value: string, maxChars: number): Decoded {
  if (value.length > maxChars) return { ok: false, why: "oversized" };
  let p: { v?: unknown; k?: unknown; c?: unknown; ti?: unknown; to?: unknown; u?: unknown };
  try {
    p = JSON.parse(value);
  } catch {
    return { ok: false, why: "corrupt" };
  }
  if (!p || typeof p !== "object" || p.v !== VERSION || p.k !== key) return { ok: false, why: "corrupt" };
  if (!isCompletion(p.c) || !isCount(p.ti) || !isCount(p.to) || typeof p.u !== "number" || !(p.u >= 0)) return { ok: false, why: "corrupt" };
  return { ok: true, answer: { completion: p.c, tokensIn: p.ti, tokensOut: p.to, costUsd: p.u } };
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function isCompletion(c: unknown): c is ChatCompletion {
  const x = c as ChatCompletion | null;
  if (!x || typeof x !== "object" || x.object !== "chat.completion" || typeof x.model !== "string" || !Array.isArray(x.choices) || x.choices.length === 0) return false;
  for (const ch of x.choices) {
    if (!ch || typeof ch.index !== "number" || !ch.message || typeof ch.message !== "object") return false;
    const content = ch.message.content;
    if (content !== null && typeof content !== "string") return false;
    if (ch.message.tool_calls !== undefined && !Array.isArray(ch.message.tool_calls)) return false;
  }
  return true;
}

/** Whether an answer is complete enough to serve again: every choice finished. */
export function isServable(c: ChatCompletion): boolean {
  if (c.object !== "chat.completion" || !Array.isArray(c.choices) || c.choices.length === 0) return false;
  for (const ch of c.choices) if (ch.finish_reason === null || ch.finish_reason === undefined) return false;
  return true;
}

/** Whether any choice calls a tool. */
export function callsTools(c: ChatCompletion): boolean {
  for (const ch of c.choices) if (ch.message.tool_calls && ch.message.tool_calls.length > 0) return true;
  return false;
}

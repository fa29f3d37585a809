import type { ChatCompletion } from "../api/chat-types.js";

/**
 * Whether a re-asked answer agrees with the cached one it checks (docs/cache.md, "Online
 * false-hit estimate"). The rule, per choice 0:
 *
 * - tool calls: the same function names with the same arguments (parsed JSON, keys sorted);
 * - short texts (both at most `SHORT_CHARS` after normalising): equal after normalising —
 *   lower case, whitespace collapsed, trailing punctuation dropped. An embedding of "Yes." and
 *   "No." is close; their meaning is not;
 * - longer texts: the cosine of their offline embeddings (what the evals' `embedding_similarity`
 *   computes) at least the configured agreement, 0.9 by default.
 *
 * Pure except for the similarity, which is passed in.
 */

export const SHORT_CHARS = 64;

export type Agreement = { kind: "exact"; agree: boolean } | { kind: "similarity"; text: [string, string] };

export function normaliseAnswer(s: string): string {
  return s.toLowerCase().replace(/\s+/g, " ").trim().replace(/[\s.!?。]+$/u, "");
}

/** Decides without an embedding when it can; otherwise names the two texts to compare. */
export function agreement(cached: ChatCompletion, fresh: ChatCompletion): Agreement {
  const a = cached.choices[0]?.message;
  const b = fresh.choices[0]?.message;
  if (!a || !b) return { kind: "exact", agree: !a && !b };
  const ta = toolSignature(a.tool_calls);
  const tb = toolSignature(b.tool_calls);
  if (ta !== null || tb !== null) return { kind: "exact", agree: ta === tb };
  const x = normaliseAnswer(textOf(a.content));
  const y = normaliseAnswer(textOf(b.content));
  if (x === y) return { kind: "exact", agree: true };
  if (x.length <= SHORT_CHARS || y.length <= SHORT_CHARS) return { kind: "exact", agree: false };
  return { kind: "similarity", text: [x, y] };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((p) => (typeof (p as { text?: unknown })?.text === "string" ? (p as { text: string }).text : "")).join("\n");
}

function toolSignature(calls: unknown): string | null {
  if (!Array.isArray(calls) || calls.length === 0) return null;
  return calls.map((c) => {
    const f = (c as { function?: { name?: unknown; arguments?: unknown } })?.function;
    let args: unknown = f?.arguments;
    if (typeof args === "string") {
      try {
        args = JSON.parse(args);
      } catch {
        // Unparsable arguments compare as their text.
      }
    }
    return `${String(f?.name)}(${sorted(args)})`;
  }).join(";");
}

function sorted(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(sorted).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${sorted((v as Record<string, unknown>)[k])}`).join(",")}}`;
  return JSON.stringify(v) ?? "null";
}

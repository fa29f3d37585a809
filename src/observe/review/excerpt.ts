import { SOURCE_FIELD } from "../../guard/request-guard.js";
import { parseCapturedBody } from "../capture.js";

/** Longest excerpt a review item keeps: enough to judge a verdict, little enough to hold in a review list. */
export const MAX_EXCERPT_CHARS = 500;

const MARKS = new Set(["user", "document", "tool_result"]);

/**
 * The screened text of one source, taken from what the trace captured — the newest message (or
 * text part) of that source in the request body, or the first choice's answer for `output` —
 * cut to 500 characters. Null when the body was not captured (`traces.capture: none`), was cut
 * by `max_body_chars` (no longer JSON), or holds no text of that source: an excerpt never holds
 * anything the trace did not store. Sources are assigned as the request guard assigns them.
 */
export function excerptFor(source: string, requestBody: string | null, responseBody: string | null): string | null {
  const text = source === "output" ? outputText(parseCapturedBody(responseBody)) : inputText(parseCapturedBody(requestBody), source);
  if (text === null || text.trim() === "") return null;
  return text.length <= MAX_EXCERPT_CHARS ? text : `${text.slice(0, MAX_EXCERPT_CHARS - 1)}…`;
}

function inputText(body: unknown, source: string): string | null {
  const messages = (body as { messages?: unknown } | null)?.messages;
  if (!Array.isArray(messages)) return null;
  let last: string | null = null;
  for (const m of messages) {
    if (!m || typeof m !== "object") continue;
    const msg = m as Record<string, unknown>;
    if (msg.role !== "user" && msg.role !== "tool") continue;
    const marked = MARKS.has(msg[SOURCE_FIELD] as string) ? (msg[SOURCE_FIELD] as string) : null;
    const own = marked ?? (msg.role === "tool" ? "tool_result" : "user");
    if (typeof msg.content === "string") {
      if (own === source) last = msg.content;
    } else if (Array.isArray(msg.content)) {
      for (const p of msg.content as unknown[]) {
        const part = p as Record<string, unknown> | null;
        if (!part || part.type !== "text" || typeof part.text !== "string") continue;
        const partMark = MARKS.has(part[SOURCE_FIELD] as string) ? (part[SOURCE_FIELD] as string) : null;
        if ((partMark ?? own) === source) last = part.text;
      }
    }
  }
  return last;
}

function outputText(body: unknown): string | null {
  const choices = (body as { choices?: unknown } | null)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) return null;
  const content = (choices[0] as { message?: { content?: unknown } } | null)?.message?.content;
  return typeof content === "string" ? content : null;
}

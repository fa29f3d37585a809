import type { ChatCompletion } from "../api/chat-types.js";
import { maskedTypes, maskPiiText } from "../observe/pii-mask.js";
import type { PiiPolicy } from "../observe/pii-policy.js";
import { findSecrets } from "../secrets/redact.js";

/**
 * Whether an answer may rest in the cache under the call's capture policy (docs/privacy.md).
 * The cache stores only the key's hash of the request, but it must store the answer's text to
 * replay it. Masking that text would serve a masked answer on every hit, so instead an answer the
 * trace capture would have masked — personal data under `mask`/`hash`, or any secret — is not
 * stored at all: nothing sensitive rests in the cache in the clear, and a hit is never degraded.
 * Runs after the response has been sent.
 */
export function safeToStore(c: ChatCompletion, pii: PiiPolicy): boolean {
  const types = pii.mode === "keep" ? null : maskedTypes(pii.keep);
  for (const ch of c.choices) {
    const m = ch.message;
    if (!textSafe(m.content, types) || !textSafe(m.refusal ?? null, types)) return false;
    if (m.tool_calls) for (const t of m.tool_calls) if (!textSafe(t.function.arguments, types)) return false;
  }
  return true;
}

function textSafe(text: string | null | undefined, types: ReturnType<typeof maskedTypes> | null): boolean {
  if (!text) return true;
  if (findSecrets(text).length > 0) return false;
  return types === null || types.size === 0 || maskPiiText(text, { types }) === text;
}

import { maskSecretsDeep } from "../secrets/redact.js";

export type CapturePolicy = "full" | "redacted" | "none";

/**
 * Serialises a request or response body for the trace store under the capture policy.
 * `redacted` (the default) masks secrets before anything is stored; bodies longer than
 * `maxChars` are cut and marked, so one huge prompt cannot bloat the store.
 * `sentText` is `JSON.stringify(value)` when the caller already has it (the JSON answer as sent):
 * used as is when neither masking nor `conceal` changes anything, so the body is not serialised twice.
 */
export function captureBody(value: unknown, policy: CapturePolicy, maxChars: number, conceal?: (text: string) => string, sentText?: string): string | null {
  if (policy === "none" || value === undefined || value === null) return null;
  // maskSecretsDeep hands the value itself back when it masked nothing (copy on write)
  const v = policy === "redacted" ? maskSecretsDeep(value) : value;
  // `conceal` hides what the request's guard redacted (its vault), under every capture policy:
  // a value kept from the upstream is kept from the store too.
  const text = conceal
    ? JSON.stringify(v, (_k, x) => (typeof x === "string" ? conceal(x) : x))
    : sentText !== undefined && v === value
      ? sentText
      : JSON.stringify(v);
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}…[truncated ${text.length - maxChars} chars]`;
}

/**
 * A stored body as JSON again, for code that reads inside it (datasets from traces, online
 * evaluation, review excerpts); undefined when nothing was captured or `maxChars` cut it (a cut
 * body is no longer JSON).
 */
export function parseCapturedBody(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * [normalise] The gateway's own strip of every Keel-only field, whatever other layers run: the
 * body that leaves this stage is the body of record — what goes upstream and what the trace stores.
 *
 * Keel-only fields (docs/traces.md, "What is stored"):
 * - `prompt` at the top level: a prompt-registry reference (the prompt stage renders it in);
 * - any field named `keel_*` at the top level, on a message, or on a content part — today
 *   `keel_source` (where content came from, read by the input guard), tomorrow whatever a layer adds.
 *
 * Copy on write: a body without Keel fields is returned as is (one `for…in` over a few keys per
 * message, no allocation), so the common request pays nothing.
 */

const PREFIX = "keel_";
const TOP_LEVEL = new Set(["prompt"]);

export function stripKeelFields<T extends object>(body: T): T {
  const src = body as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  for (const k in src) {
    if (TOP_LEVEL.has(k) || k.startsWith(PREFIX)) {
      out ??= { ...src };
      delete out[k];
    }
  }
  const messages = src.messages;
  if (Array.isArray(messages)) {
    let copy: unknown[] | null = null;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i];
      const clean = m !== null && typeof m === "object" && !Array.isArray(m) ? stripMessage(m as Record<string, unknown>) : m;
      if (clean !== m) {
        copy ??= messages.slice();
        copy[i] = clean;
      }
    }
    if (copy) {
      out ??= { ...src };
      out.messages = copy;
    }
  }
  return (out ?? body) as T;
}

function stripMessage(m: Record<string, unknown>): Record<string, unknown> {
  let out = withoutKeel(m);
  const content = m.content;
  if (Array.isArray(content)) {
    let parts: unknown[] | null = null;
    for (let j = 0; j < content.length; j++) {
      const p = content[j];
      const clean = p !== null && typeof p === "object" && !Array.isArray(p) ? withoutKeel(p as Record<string, unknown>) : p;
      if (clean !== p) {
        parts ??= content.slice();
        parts[j] = clean;
      }
    }
    if (parts) {
      if (out === m) out = { ...m };
      out.content = parts;
    }
  }
  return out;
}

function withoutKeel(o: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  for (const k in o) {
    if (k.startsWith(PREFIX)) {
      out ??= { ...o };
      delete out[k];
    }
  }
  return out ?? o;
}

import type { z } from "zod";
import { issuePath } from "./chat-schema.js";
import { KeelError } from "../errors/errors.js";

type Issue = z.core.$ZodIssue;

/** Schema-checks a body; the 400 names the first bad field as OpenAI's `param`. */
export function validateBody<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new KeelError("invalid_request", `Request body must be a JSON object; got ${describe(raw)}.`);
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const { issue, path } = resolveUnion(r.error.issues[0], r.error.issues[0].path, raw);
  if (issue.code === "unrecognized_keys") {
    // A strict object's own issue has the object's path; name the unknown field itself.
    const param = issuePath([...path, String(issue.keys[0]).slice(0, 64)]);
    throw new KeelError("invalid_request", `Unrecognized parameter: '${param}'.`, { param });
  }
  const param = issuePath(path);
  const missing = issue.code === "invalid_type" && (raw as Record<string, unknown>)[String(path[0])] === undefined && path.length === 1;
  const message = missing ? `Missing required parameter: '${param}'.` : `Invalid '${param || "body"}': ${issue.message}.`;
  throw new KeelError("invalid_request", message, { param: param || null });
}

/**
 * zod reports a failed union as one "Invalid input" at the union's path. Said that way, a content
 * part with a bad `text` and content that is a number read the same. Where one alternative matched
 * the value's shape and failed deeper, its issue is the precise one; where none did, the message
 * lists what the value could have been. Loops, not recursion: unions nest (content → part).
 */
function resolveUnion(first: Issue, firstPath: readonly PropertyKey[], raw: unknown): { issue: Issue; path: PropertyKey[] } {
  let issue = first;
  let path = [...firstPath];
  while (issue.code === "invalid_union" && issue.errors.length > 0) {
    let best: Issue | undefined;
    for (const option of issue.errors) {
      const sub = option[0];
      // A literal that does not match ("type": "text" vs "image_url") says "not this alternative".
      if (sub?.code === "invalid_value") continue;
      if (sub && sub.path.length > 0 && (best === undefined || sub.path.length > best.path.length)) best = sub;
      else if (sub && sub.path.length === 0 && sub.code === "invalid_union" && best === undefined) best = sub;
    }
    if (best === undefined) {
      const expected = [...new Set(issue.errors.flatMap((o) => expectation(o[0])))];
      if (expected.length === 0) return { issue, path };
      const message = `expected ${expected.length === 1 ? expected[0] : `${expected.slice(0, -1).join(", ")} or ${expected.at(-1)}`}, received ${describe(valueAt(raw, path))}`;
      return { issue: { ...issue, message }, path };
    }
    path = [...path, ...best.path];
    issue = best;
  }
  return { issue, path };
}

function expectation(sub: Issue | undefined): string[] {
  if (sub?.path.length !== 0) return [];
  if (sub.code === "invalid_type") return [sub.expected];
  if (sub.code === "invalid_value") return [`one of ${sub.values.map((v) => JSON.stringify(v)).join(", ")}`];
  return [];
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `a ${typeof v}`;
}

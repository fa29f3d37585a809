import type { z } from "zod";
import { issuePath } from "./chat-schema.js";
import { KeelError } from "../errors/errors.js";

/** Schema-checks a body; the 400 names the first bad field as OpenAI's `param`. */
export function validateBody<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new KeelError("invalid_request", "Request body must be a JSON object.");
  }
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    // A strict object's own issue has the object's path; name the unknown field itself.
    const param = issuePath([...issue.path, String(issue.keys[0]).slice(0, 64)]);
    throw new KeelError("invalid_request", `Unrecognized parameter: '${param}'.`, { param });
  }
  const param = issuePath(issue.path);
  const missing = issue.code === "invalid_type" && (raw as Record<string, unknown>)[String(issue.path[0])] === undefined && issue.path.length === 1;
  const message = missing ? `Missing required parameter: '${param}'.` : `Invalid '${param || "body"}': ${issue.message}.`;
  throw new KeelError("invalid_request", message, { param: param || null });
}

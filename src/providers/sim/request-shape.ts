import { chatRequestSchema, issuePath } from "../../api/chat-schema.js";
import type { ChatRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";

/**
 * The standalone server validates bodies with the gateway's own request schema (about 1 µs a
 * request), so the simulator called directly and through Keel accept and refuse the same requests.
 * The 400 names the first bad field as OpenAI's `param`.
 */
export function parseChatRequest(body: unknown): ChatRequest {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new KeelError("invalid_request", "Request body must be a JSON object.");
  const r = chatRequestSchema.safeParse(body);
  if (r.success) return r.data as ChatRequest;
  const issue = r.error.issues[0];
  const param = issuePath(issue.path);
  throw new KeelError("invalid_request", `Invalid '${param || "body"}': ${issue.message}.`, { param: param || null });
}

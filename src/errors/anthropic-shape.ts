import { type ErrorCode, KeelError } from "./errors.js";

/**
 * The one place Keel's error codes become Anthropic's error body, `{type:"error", error:{type,
 * message}}`, with Anthropic's statuses (https://docs.anthropic.com/en/api/errors) — what the
 * /v1/messages surface answers, so the Anthropic SDK raises the error class a client expects.
 * docs/errors.md holds the same table.
 */
export type AnthropicErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "request_too_large"
  | "rate_limit_error"
  | "api_error"
  | "timeout_error"
  | "overloaded_error";

export const ANTHROPIC_STATUS: Record<AnthropicErrorType, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

/** Every Keel code's Anthropic type; `satisfies` makes a new code in ERROR_CODES fail to compile until it is mapped. */
export const ANTHROPIC_ERROR_TYPE = {
  invalid_json: "invalid_request_error",
  invalid_request: "invalid_request_error",
  json_too_deep: "invalid_request_error",
  guard_blocked: "invalid_request_error",
  body_too_large: "request_too_large",
  missing_api_key: "authentication_error",
  invalid_api_key: "authentication_error",
  revoked_api_key: "authentication_error",
  expired_api_key: "authentication_error",
  invalid_admin_token: "authentication_error",
  model_not_allowed: "permission_error",
  forbidden: "permission_error",
  model_not_found: "not_found_error",
  not_found: "not_found_error",
  method_not_allowed: "invalid_request_error",
  request_timeout: "timeout_error",
  conflict: "invalid_request_error",
  headers_too_large: "invalid_request_error",
  rate_limited: "rate_limit_error",
  budget_exceeded: "rate_limit_error",
  client_closed: "invalid_request_error",
  upstream_error: "api_error",
  // The provider is rate-limited, down or overloaded: what Anthropic calls overloaded (the SDK retries it).
  upstream_unavailable: "overloaded_error",
  upstream_timeout: "timeout_error",
  upstream_stream_error: "api_error",
  limits_unavailable: "api_error",
  guard_unavailable: "api_error",
  shutting_down: "overloaded_error",
  store_unavailable: "api_error",
  internal_error: "api_error",
} as const satisfies Record<ErrorCode, AnthropicErrorType>;

export interface AnthropicErrorBody {
  type: "error";
  error: { type: AnthropicErrorType; message: string };
}

/** Any thrown value → Anthropic's error JSON and status. Unknown errors never leak their message. */
export function toAnthropicError(err: unknown): { status: number; body: AnthropicErrorBody; headers: Record<string, string> } {
  if (err instanceof KeelError) {
    const type = ANTHROPIC_ERROR_TYPE[err.code];
    const headers: Record<string, string> = { ...(err.headers ?? {}) };
    if (err.retryAfter !== undefined) headers["retry-after"] = String(Math.max(0, Math.ceil(err.retryAfter)));
    // Anthropic's messages name the field in front ("max_tokens: Field required"); Keel's name it inside.
    const message = err.param && !err.message.includes(`'${err.param}'`) ? `${err.param}: ${err.message}` : err.message;
    // client_closed is never sent; its status only feeds the trace.
    const status = err.code === "client_closed" ? err.status : ANTHROPIC_STATUS[type];
    return { status, body: { type: "error", error: { type, message } }, headers };
  }
  return { status: 500, body: { type: "error", error: { type: "api_error", message: "Internal error; see the server log for the request id." } }, headers: {} };
}

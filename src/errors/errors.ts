/**
 * Every failure Keel reports has one class here with a stable `code` and HTTP status.
 * `server/respond.ts` maps them to OpenAI's error shape in one place; `errors.test.ts`
 * fails when a code is missing from docs/errors.md.
 */

export type OpenAIErrorType =
  | "invalid_request_error"
  | "authentication_error"
  | "permission_error"
  | "not_found_error"
  | "rate_limit_error"
  /** OpenAI's type for a spent quota; Keel's budgets use it (code `budget_exceeded`). */
  | "insufficient_quota"
  | "api_error"
  | "timeout_error";

export const ERROR_CODES = {
  invalid_json: { status: 400, type: "invalid_request_error" },
  invalid_request: { status: 400, type: "invalid_request_error" },
  json_too_deep: { status: 400, type: "invalid_request_error" },
  guard_blocked: { status: 400, type: "invalid_request_error" },
  body_too_large: { status: 413, type: "invalid_request_error" },
  missing_api_key: { status: 401, type: "authentication_error" },
  invalid_api_key: { status: 401, type: "authentication_error" },
  revoked_api_key: { status: 401, type: "authentication_error" },
  expired_api_key: { status: 401, type: "authentication_error" },
  invalid_admin_token: { status: 401, type: "authentication_error" },
  model_not_allowed: { status: 403, type: "permission_error" },
  forbidden: { status: 403, type: "permission_error" },
  model_not_found: { status: 404, type: "not_found_error" },
  not_found: { status: 404, type: "not_found_error" },
  method_not_allowed: { status: 405, type: "invalid_request_error" },
  request_timeout: { status: 408, type: "timeout_error" },
  conflict: { status: 409, type: "invalid_request_error" },
  headers_too_large: { status: 431, type: "invalid_request_error" },
  rate_limited: { status: 429, type: "rate_limit_error" },
  budget_exceeded: { status: 429, type: "insufficient_quota" },
  /** Never sent (nobody is listening): what a trace records when the client hung up (nginx's 499). */
  client_closed: { status: 499, type: "invalid_request_error" },
  upstream_error: { status: 502, type: "api_error" },
  upstream_unavailable: { status: 503, type: "api_error" },
  upstream_timeout: { status: 504, type: "timeout_error" },
  upstream_stream_error: { status: 502, type: "api_error" },
  limits_unavailable: { status: 503, type: "api_error" },
  /** A model-based guardrail that fails closed could not screen the call (timeout, error, unreadable answer, no budget). */
  guard_unavailable: { status: 503, type: "api_error" },
  shutting_down: { status: 503, type: "api_error" },
  /** The shared store (PostgreSQL) did not answer in time or refused the connection (docs/scale-out.md). */
  store_unavailable: { status: 503, type: "api_error" },
  internal_error: { status: 500, type: "api_error" },
} as const satisfies Record<string, { status: number; type: OpenAIErrorType }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface KeelErrorOptions {
  param?: string | null;
  /** Seconds, sent as Retry-After. */
  retryAfter?: number;
  /** Extra headers for the error response (e.g. x-ratelimit-*). */
  headers?: Record<string, string>;
  /** Provider-side detail for upstream failures; already free of secrets. */
  upstream?: { provider: string; status?: number; body?: unknown };
  cause?: unknown;
}

export class KeelError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly retryAfter?: number;
  readonly headers?: Record<string, string>;
  readonly upstream?: KeelErrorOptions["upstream"];

  constructor(code: ErrorCode, message: string, opts: KeelErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "KeelError";
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.type = ERROR_CODES[code].type;
    this.param = opts.param ?? null;
    this.retryAfter = opts.retryAfter;
    this.headers = opts.headers;
    this.upstream = opts.upstream;
  }
}

/** Upstream HTTP status → our code: the client sees 502/503/504, never the provider's 500 verbatim. */
export function upstreamCodeFor(status: number | undefined): ErrorCode {
  if (status === undefined) return "upstream_unavailable";
  if (status === 408 || status === 504) return "upstream_timeout";
  if (status === 429 || status === 503 || status === 529) return "upstream_unavailable";
  return "upstream_error";
}

export function isKeelError(err: unknown): err is KeelError {
  return err instanceof KeelError;
}

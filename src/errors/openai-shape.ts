import { KeelError } from "./errors.js";

export interface OpenAIErrorBody {
  error: {
    message: string;
    type: string;
    param: string | null;
    code: string;
    /** Keel extension: what the provider said, for upstream failures. */
    upstream?: { provider: string; status?: number; body?: unknown };
  };
}

/** The single mapping from any thrown value to OpenAI's error JSON. Unknown errors never leak their message. */
export function toOpenAIError(err: unknown): { status: number; body: OpenAIErrorBody; headers: Record<string, string> } {
  if (err instanceof KeelError) {
    const headers: Record<string, string> = { ...(err.headers ?? {}) };
    if (err.retryAfter !== undefined) headers["retry-after"] = String(Math.max(0, Math.ceil(err.retryAfter)));
    const body: OpenAIErrorBody = {
      error: { message: err.message, type: err.type, param: err.param, code: err.code },
    };
    if (err.upstream) body.error.upstream = err.upstream;
    return { status: err.status, body, headers };
  }
  return {
    status: 500,
    body: { error: { message: "Internal error; see the server log for the request id.", type: "api_error", param: null, code: "internal_error" } },
    headers: {},
  };
}

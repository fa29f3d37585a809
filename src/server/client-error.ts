import type { Duplex } from "node:stream";
import { KeelError } from "../errors/errors.js";
import { toOpenAIError } from "../errors/openai-shape.js";

export interface ConnectionLimits {
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
  maxHeaderBytes: number;
}

/**
 * What Node's HTTP parser refused before any route saw the request — headers too large, headers or
 * body too slow, bytes that are not HTTP — as a KeelError, so the answer has OpenAI's shape and a
 * message naming the limit. `bodyStarted`: the request head was complete (the timeout hit the body).
 */
export function clientErrorFor(err: NodeJS.ErrnoException, limits: ConnectionLimits, bodyStarted: boolean): KeelError {
  switch (err.code) {
    case "HPE_HEADER_OVERFLOW":
      return new KeelError("headers_too_large", `Request headers exceed the ${limits.maxHeaderBytes}-byte limit (server.max_header_bytes).`);
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return bodyStarted
        ? new KeelError("request_timeout", `The request was not received within ${limits.bodyTimeoutMs} ms (server.body_timeout_ms).`)
        : new KeelError("request_timeout", `Request headers were not received within ${limits.headersTimeoutMs} ms (server.headers_timeout_ms).`);
    default:
      // llhttp's reason ("Invalid method encountered") names the fault without echoing the client's bytes.
      return new KeelError("invalid_request", `Malformed HTTP request: ${String((err as { reason?: unknown }).reason ?? err.code ?? "parse error").slice(0, 200)}.`);
  }
}

/**
 * Answers a parser-level error on the raw socket, then closes it. Like Node's own handler, only
 * while nothing has been written on the socket yet: bytes after a response has begun would
 * corrupt it, so then the socket is just closed.
 */
export function answerClientError(socket: Duplex & { bytesWritten?: number }, err: KeelError | null): void {
  if (err === null || !socket.writable || (socket.bytesWritten ?? 0) > 0) {
    socket.destroy();
    return;
  }
  const { status, body } = toOpenAIError(err);
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

const REASONS: Record<number, string> = { 400: "Bad Request", 408: "Request Timeout", 431: "Request Header Fields Too Large" };

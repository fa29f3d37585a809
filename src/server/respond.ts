import type { ServerResponse } from "node:http";
import { toOpenAIError } from "../errors/openai-shape.js";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** A body already serialised (the caller keeps the text: a trace stores it rather than serialise the body again). */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers?: Record<string, string>): void {
  if (headers) for (const k in headers) res.setHeader(k, headers[k]);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** Every error response goes through here, in OpenAI's error shape. Returns the status sent. */
export function sendError(res: ServerResponse, err: unknown): number {
  return sendErrorAs(res, err, toOpenAIError);
}

/** An error in a surface's own shape (OpenAI's, Anthropic's): after the headers went out, the socket is cut instead. */
export function sendErrorAs(
  res: ServerResponse,
  err: unknown,
  shape: (err: unknown) => { status: number; body: unknown; headers?: Record<string, string> },
): number {
  const { status, body, headers } = shape(err);
  if (res.headersSent) {
    res.destroy();
    return status;
  }
  sendJson(res, status, body, headers);
  return status;
}

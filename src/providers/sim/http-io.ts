import type { IncomingMessage, ServerResponse } from "node:http";
import { toOpenAIError } from "../../errors/openai-shape.js";

/** The sim server's I/O edges: a bounded body reader and writers for JSON, errors and back-pressure. */

export const TOO_LARGE = Symbol("too large");

/** The body, or TOO_LARGE once it passes `limit` bytes (the rest is drained, not buffered). */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | typeof TOO_LARGE> {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) {
    req.resume();
    return Promise.resolve(TOO_LARGE);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer): void => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        req.resume();
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendRaw(res, status, JSON.stringify(body), headers);
}

export function sendRaw(res: ServerResponse, status: number, json: string | Buffer, headers?: Record<string, string>): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

/** Any thrown value in OpenAI's error shape, through the one mapping Keel has. */
export function sendError(res: ServerResponse, err: unknown): void {
  const { status, body, headers } = toOpenAIError(err);
  sendJson(res, status, body, headers);
}

/** Resolves when the socket drains or closes; a closed socket never drains, and waiting on it would hang. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

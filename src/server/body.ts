import type { IncomingMessage } from "node:http";
import { KeelError } from "../errors/errors.js";

/**
 * Reads a JSON body with a hard byte bound: a declared Content-Length over the bound is refused
 * before reading; an undeclared body is cut off the moment it crosses it. The Content-Type is not
 * policed (`curl -d` sends form encoding by default): the body must simply parse as JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readRawBody(req, maxBytes);
  if (body.length === 0) throw new KeelError("invalid_json", "Request body is empty; expected a JSON object.");
  try {
    return JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new KeelError("invalid_json", `Request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** The body's bytes, with the same hard bound as readJsonBody (binary bodies: OTLP protobuf). */
export function readRawBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > maxBytes) {
    req.resume();
    return Promise.reject(tooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(tooLarge(maxBytes));
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => {
      if (!failed) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
    req.on("error", (err) => {
      if (!failed) reject(err);
      failed = true;
    });
  });
}

function tooLarge(maxBytes: number): KeelError {
  return new KeelError("body_too_large", `Request body exceeds the ${maxBytes}-byte limit (server.max_body_bytes).`);
}

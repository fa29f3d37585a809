import { isUtf8 } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { KeelError } from "../errors/errors.js";
import { depthExceededAt, MAX_JSON_DEPTH } from "./json-depth.js";

/**
 * Reads a JSON body with a hard byte bound: a declared Content-Length over the bound is refused
 * before reading; an undeclared body is cut off the moment it crosses it. The Content-Type is not
 * policed (`curl -d` sends form encoding by default): the body must simply parse as JSON.
 * JSON text must be UTF-8 (RFC 8259 §8.1): invalid bytes are refused rather than turned into U+FFFD
 * behind the client's back, and nesting is bounded before parsing (json-depth.ts).
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const body = await readRawBody(req, maxBytes);
  if (body.length === 0) throw new KeelError("invalid_json", "Request body is empty; expected a JSON object.");
  if (!isUtf8(body)) throw new KeelError("invalid_json", "Request body is not valid UTF-8; JSON text must be UTF-8 (RFC 8259).");
  const deepAt = depthExceededAt(body, MAX_JSON_DEPTH);
  if (deepAt !== -1) {
    throw new KeelError("json_too_deep", `Request body nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects (at byte ${deepAt}).`);
  }
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
  // Close the connection after the 413: the rest of an oversized body is not worth reading to keep it alive.
  return new KeelError("body_too_large", `Request body exceeds the ${maxBytes}-byte limit (server.max_body_bytes).`, { headers: { connection: "close" } });
}

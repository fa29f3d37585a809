import type { ServerResponse } from "node:http";

/** Writes a prebuilt JSON string (the sim server's constant answers: /healthz, /v1/models). */
export function sendRaw(res: ServerResponse, status: number, json: string | Buffer, headers?: Record<string, string>): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}

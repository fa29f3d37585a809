import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import type { Router } from "./router.js";

export interface Injected {
  status: number;
  body: string;
}

/**
 * Runs a bodiless request (a GET) through the router in process — no socket, no port — and
 * collects the answer, as Fastify's `inject` does. For an endpoint that composes others' reads
 * (GET /api/v1/doctor) with the caller's own credential, so it sees exactly what they would.
 * Only for handlers that answer with `end` (sendJson): a streamed answer is collected too, but
 * a handler that never ends would hang, so there is a timeout.
 */
export function inject(router: Router, method: string, url: string, headers: Record<string, string>, timeoutMs = 30_000): Promise<Injected> {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.headers = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  req.push(null);
  const res = new ServerResponse(req);
  const q = url.indexOf("?");
  const path = q === -1 ? url : url.slice(0, q);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => reject(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    const take = (chunk: unknown): void => {
      if (chunk !== undefined && chunk !== null && typeof chunk !== "function") chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    };
    res.write = ((chunk: unknown) => (take(chunk), true)) as ServerResponse["write"];
    res.end = ((chunk?: unknown) => {
      take(chunk);
      clearTimeout(timer);
      resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") });
      return res;
    }) as ServerResponse["end"];
    const m = router.match(method, path);
    if (m === null || m === "method") {
      clearTimeout(timer);
      return resolve({ status: m === null ? 404 : 405, body: "" });
    }
    Promise.resolve(m.handler(req, res, m.params, q === -1 ? new URLSearchParams() : new URLSearchParams(url.slice(q + 1)))).catch((err: unknown) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

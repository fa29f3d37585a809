import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { KeelError } from "../errors/errors.js";
import type { Logger } from "../observe/log.js";
import { sendError } from "./respond.js";
import type { Router } from "./router.js";

export interface HttpServer {
  readonly server: Server;
  readonly url: string;
  readonly inFlight: number;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then cuts the rest. */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * The HTTP shell: routing, 404/405, in-flight accounting for graceful shutdown. It knows nothing of
 * models or keys; the gateway and admin API register their routes on the router.
 */
export async function startHttpServer(router: Router, opts: { port: number; host: string; log: Logger }): Promise<HttpServer> {
  let inFlight = 0;
  let closing = false;
  const active = new Set<ServerResponse>();
  let idle: (() => void) | null = null;

  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000, requestTimeout: 0, headersTimeout: 60_000 }, (req, res) => {
    inFlight++;
    active.add(res);
    res.once("close", () => {
      inFlight--;
      active.delete(res);
      if (inFlight === 0 && idle) idle();
    });
    if (closing) {
      // A keep-alive connection may still send a request while we drain: refuse it cleanly.
      res.setHeader("connection", "close");
      req.resume();
      sendError(res, new KeelError("shutting_down", "This Keel instance is shutting down; retry on another.", { retryAfter: 1 }));
      return;
    }
    dispatch(router, req, res, opts.log);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;

  return {
    server,
    url: `http://${host}:${addr.port}`,
    get inFlight() {
      return inFlight;
    },
    async shutdown(graceMs: number): Promise<void> {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, graceMs);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      for (const res of active) res.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}

const NO_QUERY = new URLSearchParams();

function dispatch(router: Router, req: IncomingMessage, res: ServerResponse, log: Logger): void {
  const rawUrl = req.url ?? "/";
  const q = rawUrl.indexOf("?");
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const m = router.match(req.method ?? "GET", path);
  if (m === null) {
    req.resume();
    sendError(res, new KeelError("not_found", `No route for ${req.method} ${path.slice(0, 200)}.`));
    return;
  }
  if (m === "method") {
    req.resume();
    sendError(res, new KeelError("method_not_allowed", `Method ${req.method} is not allowed on ${path.slice(0, 200)}.`));
    return;
  }
  const query = q === -1 ? NO_QUERY : new URLSearchParams(rawUrl.slice(q + 1));
  try {
    const p = m.handler(req, res, m.params, query);
    if (p) p.catch((err: unknown) => fail(res, err, log));
  } catch (err) {
    fail(res, err, log);
  }
}

function fail(res: ServerResponse, err: unknown, log: Logger): void {
  if (!(err instanceof KeelError)) log.error("unhandled error", { error: String((err as Error)?.stack ?? err) });
  sendError(res, err);
}

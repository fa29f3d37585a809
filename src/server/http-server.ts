import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Socket } from "node:net";
import { KeelError } from "../errors/errors.js";
import { answerClientError, clientErrorFor, type ConnectionLimits } from "./client-error.js";
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
const DEFAULT_LIMITS: ConnectionLimits = { headersTimeoutMs: 15_000, bodyTimeoutMs: 120_000, maxHeaderBytes: 16 * 1024 };

export async function startHttpServer(router: Router, opts: { port: number; host: string; log: Logger; limits?: ConnectionLimits }): Promise<HttpServer> {
  let inFlight = 0;
  let closing = false;
  const active = new Set<ServerResponse>();
  let idle: (() => void) | null = null;
  const limits = opts.limits ?? DEFAULT_LIMITS;
  // Sockets whose request head is in and whose response is not done: a timeout there hit the body.
  const receiving = new WeakSet<Socket>();

  const server = createServer({
    noDelay: true,
    keepAliveTimeout: 65_000,
    // Slowloris: a request's head, then the whole request, must arrive within these, however slowly
    // it trickles. Node checks them every connectionsCheckingInterval (30 s by default), which would
    // let a 2 s bound run to 32 s; one sweep a second over the connection list costs nothing.
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.bodyTimeoutMs,
    connectionsCheckingInterval: 1000,
    maxHeaderSize: limits.maxHeaderBytes,
  }, (req, res) => {
    inFlight++;
    active.add(res);
    receiving.add(req.socket);
    req.once("end", () => receiving.delete(req.socket));
    res.once("close", () => {
      inFlight--;
      active.delete(res);
      receiving.delete(req.socket);
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
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // A reset or a half-closed socket has nobody to answer.
    if (err.code === "ECONNRESET" || err.code === "EPIPE") return void socket.destroy();
    answerClientError(socket, clientErrorFor(err, limits, receiving.has(socket as Socket)));
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

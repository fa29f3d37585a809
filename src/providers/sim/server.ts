import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isKeelError, KeelError } from "../../errors/errors.js";
import { formatSse } from "../sse.js";
import { completeChat } from "./completion.js";
import { SimEngine, type CallPlan } from "./engine.js";
import { sendRaw } from "./http-io.js";
import { drained } from "../../server/backpressure.js";
import { readJsonBody } from "../../server/body.js";
import { sendError, sendJson } from "../../server/respond.js";
import { validateBody } from "../../api/validate.js";
import { chatRequestSchema } from "../../api/chat-schema.js";
import type { ChatRequest } from "../../api/chat-types.js";
import type { SimOptions } from "./options.js";
import { streamCompletion } from "./stream.js";
import { SimMetrics } from "./vllm-metrics.js";
import { sleep } from "./timing.js";

/**
 * The simulator as a standalone OpenAI-compatible server (`keel sim --port P`), for clients and
 * benchmarks that want a real HTTP upstream. node:http and nothing else: a benchmark comparing
 * sim-direct with sim-through-Keel measures Keel, so this side does no more than it must.
 * Faults are acted out on the wire: an HTTP status with OpenAI's error JSON, a socket destroyed
 * mid-stream, or a chunk that is not JSON.
 */

export interface SimServer {
  readonly url: string;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };
const HEALTHZ = Buffer.from('{"status":"ok"}');
/** Never aborted: a call with no timers to clear needs no AbortController of its own. */
const NEVER = new AbortController().signal;

const ROUTES = new Map([
  ["/v1/chat/completions", "POST"],
  ["/v1/models", "GET"],
  ["/healthz", "GET"],
  // vLLM-compatible Prometheus page (vllm-metrics.ts).
  ["/metrics", "GET"],
  // Classification endpoints (vLLM, TEI); they answer only when the sim is configured as a classifier.
  ["/classify", "POST"],
  ["/v1/classify", "POST"],
  ["/predict", "POST"],
]);

export async function startSimServer(opts: { port: number; host: string; sim: SimOptions }): Promise<SimServer> {
  const engine = new SimEngine(opts.sim);
  const metrics = new SimMetrics(opts.sim);
  const models = Buffer.from(
    JSON.stringify({ object: "list", data: opts.sim.models.map((id) => ({ id, object: "model", created: 0, owned_by: "keel-sim" })) }),
  );

  const server = createServer({ noDelay: true, keepAliveTimeout: 65_000 }, (req, res) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const method = ROUTES.get(path);
    if (method === undefined) return sendError(res, new KeelError("not_found", `No route for ${path}.`));
    if (req.method !== method) return sendError(res, new KeelError("method_not_allowed", `${path} accepts ${method} only.`, { headers: { allow: method } }));
    if (path === "/healthz") return sendRaw(res, 200, HEALTHZ);
    if (path === "/v1/models") return sendRaw(res, 200, models);
    if (path === "/metrics") {
      const kv = metrics.kvUsage(engine.prefixCache.size);
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      return void res.end(metrics.render(opts.sim.models[0] ?? "sim", kv));
    }
    (path.endsWith("/chat/completions") ? chat(engine, metrics, req, res) : classify(engine, path, req, res)).catch((err: unknown) => {
      // a KeelError is an answer; anything else is a bug in the simulator, worth a stack trace
      if (!isKeelError(err)) console.error("keel sim: unexpected error", err);
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // keep-alive sockets and hanging (timeout-fault) requests would hold close() open forever
        server.closeAllConnections();
      }),
  };
}

async function chat(engine: SimEngine, metrics: SimMetrics, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The same bounded reader and schema as the gateway: sim direct and sim behind Keel accept and refuse alike.
  const chatReq = validateBody(chatRequestSchema, await readJsonBody(req, MAX_BODY_BYTES)) as ChatRequest;
  const stream = chatReq.stream === true;
  const plan = engine.plan(chatReq, req.headers, stream);
  const release = plan.kind === "answer" ? (metrics.observe(plan), metrics.admit(plan)) : null;
  metrics.running++;
  res.once("close", () => (metrics.running--, release?.()));
  const signal = needsTimers(plan, stream) ? abortOnClose(res) : NEVER;
  if (stream) return streamTo(engine, plan, res, signal);
  try {
    sendJson(res, 200, await completeChat(engine, plan, signal));
  } catch (err) {
    sendFailure(res, plan, err);
  }
}

async function classify(engine: SimEngine, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  if (!engine.classifier) throw new KeelError("not_found", `No route for ${path}: this simulator is not configured as a classifier.`);
  if (engine.opts.ttft_ms > 0) await sleep(engine.opts.ttft_ms, abortOnClose(res));
  try {
    sendJson(res, 200, engine.classifier.endpoint(path, body, engine.opts.models[0] ?? "sim-1", `classify-${Date.now().toString(36)}`));
  } catch (err) {
    // the classifier's refusals carry the status a real server would answer with
    if (isKeelError(err) && err.upstream?.status) return sendJson(res, err.upstream.status, { error: { message: err.message, type: "invalid_request_error" } });
    throw err;
  }
}

function needsTimers(plan: CallPlan, stream: boolean): boolean {
  return stream || plan.kind !== "answer" || plan.delayMs + plan.ttftMs > 0 || plan.itlMs > 0;
}

function abortOnClose(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

/** A simulated upstream failure answers with its own status and OpenAI body, as the upstream would. */
function sendFailure(res: ServerResponse, plan: CallPlan, err: unknown): void {
  if (res.destroyed) return;
  if (plan.kind === "fail" && err === plan.error && plan.error.upstream?.status !== undefined) {
    const headers: Record<string, string> = {};
    if (plan.error.retryAfter !== undefined) headers["retry-after"] = String(Math.ceil(plan.error.retryAfter));
    return sendJson(res, plan.error.upstream.status, plan.error.upstream.body, headers);
  }
  sendError(res, err);
}

async function streamTo(engine: SimEngine, plan: CallPlan, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const it = streamCompletion(engine, () => plan, signal);
  try {
    // the first chunk decides the status line: a failure before it is still an HTTP error
    let next = await it.next();
    res.writeHead(200, SSE_HEADERS);
    // Chunks produced back to back (no itl) leave in one write: corked until the next tick, which
    // runs only once the generator waits on a timer, so timed chunks still leave one by one.
    let corked = false;
    const uncork = (): void => {
      corked = false;
      res.uncork();
    };
    while (!next.done) {
      if (!corked) {
        corked = true;
        res.cork();
        process.nextTick(uncork);
      }
      if (!res.write(formatSse(JSON.stringify(next.value)))) await drained(res);
      if (res.destroyed) return void (await it.return(undefined));
      next = await it.next();
    }
    res.end("data: [DONE]\n\n");
  } catch (err) {
    if (res.destroyed) return;
    if (plan.kind === "answer" && plan.streamFault && isKeelError(err) && err.code === "upstream_stream_error") {
      if (!res.headersSent) res.writeHead(200, SSE_HEADERS);
      if (plan.streamFault.kind === "cut") cut(res);
      else res.end("data: {not json\n\n");
      return;
    }
    if (!res.headersSent) return sendFailure(res, plan, err);
    res.destroy();
  }
}

/**
 * Ends the connection mid-body, without the chunked terminator: the client sees the chunks written
 * so far, then a premature close. end() rather than destroy() first, so those chunks are flushed.
 */
function cut(res: ServerResponse): void {
  res.flushHeaders();
  const socket = res.socket;
  if (!socket) return void res.destroy();
  socket.end(() => res.destroy());
}

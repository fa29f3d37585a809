/**
 * The one factory of outbound HTTP clients, all over undici (decision 0001: `request` on a warm
 * pool costs a fraction of `fetch`). Two shapes, same defaults:
 *
 * - `createPool(origin, …)` — a keep-alive `Pool` to one origin, for the gateway's provider
 *   calls (providers/http-transport.ts). Built once per provider and reused by every request:
 *   the hot path allocates no dispatcher, no timer and no AbortSignal of ours.
 * - `createHttpClient(…)` / `sharedHttpClient()` — an `Agent` (one bounded pool per origin, made
 *   on first use) behind a small request/response API, for background callers whose URLs vary:
 *   alert webhooks, eval targets and judges, OTLP export.
 *
 * Timeouts: connecting is bounded by min(timeout, 10 s); waiting for headers and any silence
 * between body chunks by the call's timeout (undici's own coarse, shared timers). The client's
 * `timeoutMs` bounds the whole exchange, body included. keepAliveTimeout stays at undici's
 * default (4 s, shortened by a server's `Keep-Alive: timeout=` hint): a POST on a socket the
 * server already closed is not retried, so outliving the server's idle timeout costs failed calls.
 * An idle socket keeps the process alive until it is closed (at most those 4 s), as fetch's did.
 */
import { Agent, type Dispatcher, Pool } from "undici";
import type { HeaderValues } from "./retry-after.js";

/** Connecting never waits longer than this, whatever the call's timeout. */
export const MAX_CONNECT_TIMEOUT_MS = 10_000;
/** A background client's connections per origin. */
const DEFAULT_CONNECTIONS = 16;
const DEFAULT_TIMEOUT_MS = 30_000;
/** A response body beyond this is an error rather than a reason to exhaust memory. */
const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface PoolOptions {
  /** Keep-alive connections to the origin. */
  readonly connections: number;
  /** Bounds the wait for response headers and any silence between body chunks (a call may pass its own). */
  readonly timeoutMs: number;
}

/** A keep-alive pool to one origin: the providers' dispatcher, made once per provider. */
export function createPool(origin: string, o: PoolOptions): Pool {
  return new Pool(origin, {
    connections: o.connections,
    connect: { timeout: Math.min(o.timeoutMs, MAX_CONNECT_TIMEOUT_MS) },
    headersTimeout: o.timeoutMs,
    bodyTimeout: o.timeoutMs,
  });
}

export interface HttpClientOptions {
  /** Connections per origin (default 16). */
  readonly connections?: number;
  /** Default bound on one exchange, headers and body (default 30 s). */
  readonly timeoutMs?: number;
}

export interface OutboundRequest {
  readonly url: string | URL;
  readonly method?: "GET" | "POST" | "PUT";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** The caller's signal: when it fires, the call rejects with its reason (as fetch does). */
  readonly signal?: AbortSignal;
  /** Bound on this exchange, body included; the client's default otherwise. */
  readonly timeoutMs?: number;
  /** `text` (default) reads the body; `discard` drains it unread (a webhook's or a collector's answer). */
  readonly read?: "text" | "discard";
  readonly maxBodyBytes?: number;
}

export interface OutboundResponse {
  readonly status: number;
  /** Lower-case names; a repeated header is an array. */
  readonly headers: HeaderValues;
  /** The body as UTF-8 ("" when discarded). */
  readonly text: string;
  /** One header's (first) value. */
  header(name: string): string | undefined;
}

/** No answer: the exchange timed out, or the network failed (refused, reset, DNS). */
export class OutboundError extends Error {
  constructor(readonly kind: "timeout" | "network", message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OutboundError";
  }
}

const UNDICI_TIMEOUTS: ReadonlySet<string> = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** An undici error that is one of its connect, headers or body timeouts (providers map it to upstream_timeout). */
export function isUndiciTimeout(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && UNDICI_TIMEOUTS.has(code);
}

export class HttpClient {
  private readonly timeoutMs: number;

  constructor(private readonly dispatcher: Dispatcher, opts: HttpClientOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** One exchange; rejects with an OutboundError when no answer came, or the caller's abort reason. */
  async request(req: OutboundRequest): Promise<OutboundResponse> {
    const timeoutMs = req.timeoutMs ?? this.timeoutMs;
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
    try {
      const res = await this.dispatcher.request({
        ...splitUrl(req.url),
        method: req.method ?? "GET",
        headers: req.headers && lowerCased(req.headers),
        body: req.body,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = req.read === "discard" ? await discard(res.body) : await readText(res.body, req.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
      const headers = res.headers;
      return { status: res.statusCode, headers, text, header: (name) => first(headers[name.toLowerCase()]) };
    } catch (err) {
      if (req.signal?.aborted) throw req.signal.reason;
      if (timeout.aborted || isUndiciTimeout(err)) {
        throw new OutboundError("timeout", `timed out after ${timeoutMs} ms`, { cause: err });
      }
      throw new OutboundError("network", describe(err), { cause: err });
    }
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** A client of its own (its connections closed by `close()`). */
export function createHttpClient(opts: HttpClientOptions = {}): HttpClient {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const agent = new Agent({ connections: opts.connections ?? DEFAULT_CONNECTIONS, connect: { timeout: Math.min(timeoutMs, MAX_CONNECT_TIMEOUT_MS) } });
  return new HttpClient(agent, opts);
}

let shared: HttpClient | undefined;

/**
 * The process's client for background calls: one set of keep-alive pools however many
 * notifiers, runs and exporters there are. Never closed: its idle sockets close themselves after
 * the keep-alive timeout, so a finished CLI run exits at most that much later (as with fetch).
 */
export function sharedHttpClient(): HttpClient {
  return (shared ??= createHttpClient());
}

function splitUrl(url: string | URL): { origin: string; path: string } {
  const u = typeof url === "string" ? new URL(url) : url;
  return { origin: u.origin, path: `${u.pathname}${u.search}` };
}

/** A network error's most telling part: `connect ECONNREFUSED 127.0.0.1:9`, else its code or name. */
function describe(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; name?: unknown } | null;
  if (typeof e?.message === "string" && e.message !== "") return e.message;
  if (typeof e?.code === "string") return e.code;
  return typeof e?.name === "string" ? e.name : String(err);
}

async function discard(body: Dispatcher.ResponseData["body"]): Promise<string> {
  // dump() reads a little and destroys the rest: the socket goes back to the pool or is closed.
  // The status has arrived; a body that breaks off afterwards changes nothing the caller reads.
  await body.dump().catch(() => undefined);
  return "";
}

async function readText(body: Dispatcher.ResponseData["body"], limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      body.destroy();
      throw new Error(`response body over ${limit} bytes`);
    }
    parts.push(buf);
  }
  return parts.length === 1 ? parts[0].toString("utf8") : Buffer.concat(parts, size).toString("utf8");
}

/** Names compared case-insensitively, the later value winning (as fetch's Headers does): no header is sent twice. */
function lowerCased(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

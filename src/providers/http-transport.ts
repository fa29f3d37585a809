/**
 * Upstream HTTP for every HTTP provider adapter: one keep-alive undici `Pool` per provider origin
 * from the outbound client factory (http/client.ts; undici's `request` on a warm pool measured
 * 2–4× faster than `fetch` here), JSON in, JSON or a stream of body chunks out, and every failure
 * turned into a KeelError once, in this file. Retry-After is read by http/retry-after.ts.
 *
 * Secrets: callers pass their API key in `secrets`. It only ever travels in request headers, and
 * headers never reach an error, a message or a log; upstream error bodies that echo the key are
 * scrubbed before they are kept.
 */
import type { Dispatcher, Pool } from "undici";
import { KeelError, upstreamCodeFor } from "../errors/errors.js";
import { createPool, isUndiciTimeout } from "../http/client.js";
import { retryAfterFromHeaders } from "../http/retry-after.js";

export interface TransportOptions {
  /** Provider name, as errors report it. */
  provider: string;
  /** Origin plus an optional path prefix (`https://api.openai.com/v1`); the prefix leads every request path. */
  baseUrl: string;
  connections: number;
  /** Bounds the wait for response headers and any silence between body chunks. */
  timeoutMs: number;
  /** Values that must never appear in an error (the API key). */
  secrets?: readonly string[];
}

export type ResponseHeaders = Dispatcher.ResponseData["headers"];

export interface UpstreamRequest {
  method: "GET" | "POST";
  /** Appended to the base URL's path; may carry a query string. */
  path: string;
  /** Flat `[name, value, …]` list: undici takes it as is, without walking an object's keys. */
  headers: readonly string[];
  body?: string;
  signal?: AbortSignal;
  /** Overrides TransportOptions.timeoutMs for this call. */
  timeoutMs?: number;
}

export interface JsonResponse {
  status: number;
  body: unknown;
}

export interface StreamResponse {
  status: number;
  headers: ResponseHeaders;
  /**
   * Body chunks. Iterate it to the end or stop with `return()` (a `for await` does either): an
   * unread body holds its pooled connection until the body timeout.
   */
  body: AsyncIterable<Uint8Array>;
}

/** Error bodies are read up to this size; beyond it only the truncated text is kept. */
const ERROR_BODY_READ_BYTES = 16 * 1024;
const ERROR_BODY_KEEP_CHARS = 4096;
/** A successful non-streaming body larger than this is an upstream fault, not a reason to exhaust memory. */
const MAX_JSON_BODY_BYTES = 256 * 1024 * 1024;

/** The transport of one configured HTTP provider; its API key is registered as a secret to redact from errors. */
export function transportFor(opts: { name: string; base_url: string; connections: number; timeout_ms: number }, apiKey: string | undefined): HttpTransport {
  return new HttpTransport({ provider: opts.name, baseUrl: opts.base_url, connections: opts.connections, timeoutMs: opts.timeout_ms, secrets: apiKey ? [apiKey] : [] });
}

export class HttpTransport {
  readonly provider: string;
  private readonly pool: Pool;
  private readonly prefix: string;
  private readonly secrets: readonly string[];

  constructor(opts: TransportOptions) {
    const url = new URL(opts.baseUrl);
    this.provider = opts.provider;
    this.prefix = url.pathname.replace(/\/+$/, "");
    // Short keys are not scrubbed: replacing a 3-character "secret" would mangle ordinary text.
    this.secrets = (opts.secrets ?? []).filter((s) => s.length >= 8);
    // one pool per provider, reused by every call (the factory's keep-alive and timeout policy)
    this.pool = createPool(url.origin, { connections: opts.connections, timeoutMs: opts.timeoutMs });
  }

  /**
   * Sends a request and parses the whole 2xx body as JSON. Dispatched with a handler of our own
   * (JsonCall below) rather than undici's `request`: a JSON answer is wanted whole, so the
   * Readable stream, its async iterator, the AsyncResource and the header object `request` builds
   * per call are work nobody reads (decision 0039).
   */
  async json(req: UpstreamRequest): Promise<JsonResponse> {
    let done: JsonCallResult;
    try {
      done = await new Promise<JsonCallResult>((resolve, reject) => {
        this.pool.dispatch(this.options(req), new JsonCall(resolve, reject, req.signal));
      });
    } catch (err) {
      throw this.failure(err, req.signal, false);
    }
    const status = done.status;
    if (status < 200 || status > 299) throw this.statusErrorFrom(status, parseRawHeaders(done.rawHeaders), done.text ?? "");
    const text = done.text;
    if (text === undefined) {
      throw new KeelError("upstream_error", `${this.provider} returned a body over ${MAX_JSON_BODY_BYTES} bytes`, {
        upstream: { provider: this.provider, status },
      });
    }
    try {
      return { status, body: JSON.parse(text) };
    } catch {
      throw new KeelError("upstream_error", `${this.provider} returned a body that is not JSON`, {
        upstream: { provider: this.provider, status, body: this.keepText(text) },
      });
    }
  }

  /** Sends a request and hands back the 2xx body as it arrives. Errors while reading it are KeelErrors too. */
  async stream(req: UpstreamRequest): Promise<StreamResponse> {
    const res = await this.dispatch(req);
    return { status: res.statusCode, headers: res.headers, body: this.chunks(res.body, req.signal) };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private options(req: UpstreamRequest): Dispatcher.DispatchOptions {
    return {
      method: req.method,
      path: this.prefix + req.path,
      headers: req.headers as string[],
      body: req.body,
      // undefined leaves the pool's defaults; undici's timers are coarse and shared, so a
      // per-request timeout costs no setTimeout of ours
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    };
  }

  private async dispatch(req: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    let res: Dispatcher.ResponseData;
    try {
      res = await this.pool.request({ ...this.options(req), signal: req.signal });
    } catch (err) {
      throw this.failure(err, req.signal, false);
    }
    if (res.statusCode < 200 || res.statusCode > 299) throw await this.statusError(res);
    return res;
  }

  private async *chunks(body: Dispatcher.ResponseData["body"], signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) yield chunk as Uint8Array;
    } catch (err) {
      throw this.failure(err, signal, true);
    }
  }

  /** Network-level failure → KeelError; an abort surfaces the signal's reason (see abortError). */
  private failure(err: unknown, signal: AbortSignal | undefined, midStream: boolean): unknown {
    if (signal?.aborted) return abortError(signal.reason, this.provider);
    if (err instanceof KeelError) return err;
    const code = (err as { code?: unknown } | null)?.code;
    const codeText = typeof code === "string" ? code : err instanceof Error ? err.name : "unknown error";
    const upstream = { provider: this.provider };
    if (isUndiciTimeout(err)) {
      return new KeelError("upstream_timeout", `${this.provider} timed out (${codeText})`, { upstream, cause: err });
    }
    if (midStream) {
      return new KeelError("upstream_stream_error", `${this.provider} stream broke off (${codeText})`, { upstream, cause: err });
    }
    return new KeelError("upstream_unavailable", `${this.provider} is unreachable (${codeText})`, { upstream, cause: err });
  }

  private async statusError(res: Dispatcher.ResponseData): Promise<KeelError> {
    let text = "";
    try {
      text = (await readText(res.body, ERROR_BODY_READ_BYTES, true)) ?? "";
    } catch {
      // the status alone is the error; a body we could not read adds nothing
    }
    return this.statusErrorFrom(res.statusCode, res.headers, text);
  }

  private statusErrorFrom(status: number, headers: ResponseHeaders, raw: string): KeelError {
    const text = this.scrub(raw);
    let body: unknown;
    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        body = this.keepText(text);
      }
    }
    const detail = upstreamMessage(body);
    const message = `${this.provider} returned HTTP ${status}${detail ? `: ${detail.slice(0, 1000)}` : ""}`;
    return new KeelError(upstreamCodeFor(status), message, {
      upstream: { provider: this.provider, status, body },
      retryAfter: retryAfterSeconds(headers),
    });
  }

  private keepText(text: string): string {
    const clean = this.scrub(text);
    return clean.length > ERROR_BODY_KEEP_CHARS ? `${clean.slice(0, ERROR_BODY_KEEP_CHARS)}…` : clean;
  }

  private scrub(text: string): string {
    for (const secret of this.secrets) if (text.includes(secret)) text = text.replaceAll(secret, "[redacted]");
    return text;
  }
}

/**
 * What an aborted call throws. The gateway owns the signal and so knows why it fired: a KeelError
 * reason (deadline, shutdown) passes through, `AbortSignal.timeout()`'s TimeoutError becomes
 * upstream_timeout, anything else (client gone) is rethrown as the signal's reason, as fetch does.
 */
export function abortError(reason: unknown, provider: string): unknown {
  if (reason instanceof KeelError) return reason;
  if (reason instanceof Error && reason.name === "TimeoutError") {
    return new KeelError("upstream_timeout", `${provider} call exceeded its deadline`, { upstream: { provider } });
  }
  return reason ?? new DOMException("This operation was aborted", "AbortError");
}

/** Flattens headers once, lower-casing names so later entries override earlier ones predictably. */
export function headerList(...sources: Readonly<Record<string, string>>[]): string[] {
  const merged: Record<string, string> = {};
  for (const src of sources) for (const [k, v] of Object.entries(src)) merged[k.toLowerCase()] = v;
  return Object.entries(merged).flat();
}

/** One call's headers: the provider's fixed list (built once) plus the per-call tracing headers. */
export function callHeaders(fixed: readonly string[], requestId: string, traceparent: string | undefined): string[] {
  if (traceparent) return [...fixed, "x-request-id", requestId, "traceparent", traceparent];
  return requestId ? [...fixed, "x-request-id", requestId] : (fixed as string[]);
}

/** KeelError.retryAfter is in seconds (it becomes the client's Retry-After); the parsing is http/retry-after.ts's. */
function retryAfterSeconds(headers: ResponseHeaders): number | undefined {
  const ms = retryAfterFromHeaders(headers, Date.now());
  return ms === undefined ? undefined : ms / 1000;
}

/** The human part of the error shapes providers use: OpenAI/Anthropic `{error:{type,message}}`, `{error:"…"}`, `{message}`, FastAPI `{detail}`. */
export function upstreamMessage(body: unknown): string | undefined {
  if (typeof body === "string") return body || undefined;
  if (body === null || typeof body !== "object") return undefined;
  const b = body as Record<string, unknown>;
  const e = b.error;
  if (typeof e === "string") return e;
  if (e !== null && typeof e === "object") {
    const { type, message } = e as Record<string, unknown>;
    if (typeof message === "string") return typeof type === "string" ? `${type}: ${message}` : message;
  }
  if (typeof b.message === "string") return b.message;
  if (typeof b.detail === "string") return b.detail;
  return undefined;
}

/** Reads a body as UTF-8 up to `limit` bytes; past it either truncates (error bodies) or gives up with undefined. */
async function readText(body: Dispatcher.ResponseData["body"], limit: number, truncate: boolean): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length > limit) {
      if (!truncate) {
        body.destroy();
        return undefined;
      }
      parts.push(buf.subarray(0, limit - size));
      size = limit;
      body.destroy();
      break;
    }
    parts.push(buf);
    size += buf.length;
  }
  return parts.length === 1 ? parts[0].toString("utf8") : Buffer.concat(parts, size).toString("utf8");
}

interface JsonCallResult {
  status: number;
  rawHeaders: Buffer[];
  /** The body as UTF-8; undefined when a 2xx body went over MAX_JSON_BODY_BYTES. */
  text: string | undefined;
}

/**
 * One json() exchange as an undici dispatch handler: the status, the raw headers (parsed only for
 * an error's Retry-After) and the body's chunks. A 2xx body is kept up to MAX_JSON_BODY_BYTES and
 * the call given up past it; an error body is kept up to ERROR_BODY_READ_BYTES and the rest not
 * read, as readText does for `stream()`. The signal aborts the exchange with its reason, as
 * undici's `request` does; onError rejects with what undici reports.
 */
class JsonCall implements Dispatcher.DispatchHandler {
  private abortFn: ((reason?: Error) => void) | null = null;
  private reason: unknown = undefined;
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private parts: Buffer[] = [];
  private size = 0;
  private settled = false;
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly resolve: (r: JsonCallResult) => void,
    private readonly reject: (err: unknown) => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    if (signal?.aborted) this.reason = signal.reason;
    else if (signal) {
      this.onAbort = () => {
        this.reason = signal.reason;
        this.abortFn?.(signal.reason as Error);
      };
      signal.addEventListener("abort", this.onAbort, { once: true });
    }
  }

  onConnect(abort: (reason?: Error) => void): void {
    if (this.reason !== undefined) return abort(this.reason as Error);
    this.abortFn = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.status = statusCode;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return true;
    const ok = this.status >= 200 && this.status <= 299;
    const limit = ok ? MAX_JSON_BODY_BYTES : ERROR_BODY_READ_BYTES;
    if (this.size + chunk.length > limit) {
      if (ok) this.finish(undefined);
      else {
        this.parts.push(chunk.subarray(0, limit - this.size));
        this.size = limit;
        this.finish(this.text());
      }
      // the rest is not wanted: give the connection up rather than read it
      this.abortFn?.();
      return true;
    }
    this.parts.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.finish(this.text());
  }

  onError(err: Error): void {
    if (this.settled) return;
    // An error body we could not read to its end (a timeout, an abort) adds nothing: the status
    // alone is the error, as when stream() reads one.
    if (this.status > 299) return this.finish("");
    this.settled = true;
    this.unlisten();
    this.reject(err);
  }

  private text(): string {
    return this.parts.length === 1 ? this.parts[0].toString("utf8") : Buffer.concat(this.parts, this.size).toString("utf8");
  }

  private finish(text: string | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.unlisten();
    this.resolve({ status: this.status, rawHeaders: this.rawHeaders, text });
  }

  private unlisten(): void {
    if (this.onAbort) this.signal!.removeEventListener("abort", this.onAbort);
  }
}

/** Raw header pairs as undici's `request` gives them: lower-case names, a repeated header an array. */
function parseRawHeaders(raw: readonly Buffer[]): ResponseHeaders {
  // no prototype: a `__proto__` header is a key like any other
  const out = Object.create(null) as Record<string, string | string[]>;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toString("latin1").toLowerCase();
    const value = raw[i + 1].toString("latin1");
    const prev = out[name];
    if (prev === undefined) out[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else out[name] = [prev, value];
  }
  return out as ResponseHeaders;
}

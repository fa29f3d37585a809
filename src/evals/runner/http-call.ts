import type { RateGate } from "./rate-gate.js";
import { sleep as abortableSleep } from "../../async/sleep.js";

export interface HttpResult {
  readonly status: number;
  readonly json: unknown;
  readonly headers: Headers;
  /** Of the successful attempt, not counting earlier attempts or waits. */
  readonly latencyMs: number;
  readonly attempts: number;
}

export interface HttpCallOptions {
  readonly gate: RateGate;
  /** Retries after the first attempt. */
  readonly retries: number;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  /** Cap on one wait, Retry-After included (a server asking for an hour is not waited on). */
  readonly maxWaitMs?: number;
  readonly random?: () => number;
}

export class HttpCallError extends Error {
  constructor(message: string, readonly status: number | null, readonly body: unknown) {
    super(message);
    this.name = "HttpCallError";
  }
}

const RETRYABLE = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529]);

/** Retry-After in ms: delta-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or bad. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * POSTs JSON through the run's rate gate, retrying transport failures and retryable statuses.
 * The wait honours Retry-After when the server sends one (a 429 also halves the gate's limit),
 * else exponential backoff with full jitter: random(0, min(cap, 250 ms · 2^attempt)).
 */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, o: HttpCallOptions): Promise<HttpResult> {
  const random = o.random ?? Math.random;
  const maxWait = o.maxWaitMs ?? 60_000;
  let lastError: HttpCallError | null = null;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    o.signal?.throwIfAborted();
    const release = await o.gate.acquire(o.signal);
    let wait: number | undefined;
    let retryable = false;
    try {
      const ac = AbortSignal.timeout(o.timeoutMs);
      const signal = o.signal ? AbortSignal.any([o.signal, ac]) : ac;
      const t0 = performance.now();
      let res: Response;
      try {
        res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), signal });
      } catch (err) {
        if (o.signal?.aborted) throw o.signal.reason;
        lastError = new HttpCallError(`${url}: ${ac.aborted ? `timed out after ${o.timeoutMs} ms` : causeOf(err)}`, null, null);
        retryable = true;
        continue;
      }
      const text = await res.text();
      const latencyMs = performance.now() - t0;
      let json: unknown = text;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        // keep the text: an error page is still worth showing
      }
      if (res.ok) {
        o.gate.onSuccess();
        return { status: res.status, json, headers: res.headers, latencyMs, attempts: attempt + 1 };
      }
      lastError = new HttpCallError(`${url}: HTTP ${res.status}: ${errorMessage(json)}`, res.status, json);
      if (!RETRYABLE.has(res.status)) throw lastError;
      retryable = true;
      wait = retryAfterMs(res.headers.get("retry-after"));
      if (res.status === 429) o.gate.onRateLimited(wait ?? 1000);
    } finally {
      release();
      if (retryable && attempt < o.retries && !o.signal?.aborted) {
        const backoff = wait ?? random() * Math.min(maxWait, 250 * 2 ** attempt);
        await delay(Math.min(maxWait, backoff), o.signal);
      }
    }
  }
  throw lastError ?? new HttpCallError(`${url}: no attempt made`, null, null);
}

function causeOf(err: unknown): string {
  const e = err as { cause?: { message?: string; code?: string }; message?: string };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

function errorMessage(json: unknown): string {
  const m = (json as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof m === "string") return m;
  return typeof json === "string" ? json.slice(0, 200) : JSON.stringify(json)?.slice(0, 200) ?? "";
}


function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return ms <= 0 ? Promise.resolve() : abortableSleep(ms, signal);
}

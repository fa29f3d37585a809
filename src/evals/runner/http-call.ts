import { type HttpClient, OutboundError, type OutboundResponse, sharedHttpClient } from "../../http/client.js";
import { retry } from "../../http/retry.js";
import { retryAfterFromHeaders } from "../../http/retry-after.js";
import { isRetryableStatus } from "../../http/retryable.js";
import type { RateGate } from "./rate-gate.js";

export interface HttpResult {
  readonly status: number;
  readonly json: unknown;
  /** One response header's value (`x-request-id`). */
  header(name: string): string | undefined;
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
  /** The process's shared outbound client by default (http/client.ts). */
  readonly client?: HttpClient;
}

export class HttpCallError extends Error {
  constructor(message: string, readonly status: number | null, readonly body: unknown) {
    super(message);
    this.name = "HttpCallError";
  }
}

/** The first retry's backoff window; each further one doubles, up to maxWaitMs. */
const BACKOFF_BASE_MS = 250;

/**
 * POSTs JSON through the run's rate gate with the outbound retry loop (http/retry.ts): transport
 * failures and retryable statuses (http/retryable.ts) are retried after a full-jitter backoff
 * random(0, min(cap, 250 ms · 2^retry)), or the server's Retry-After if longer, capped at
 * maxWaitMs. A 429 also halves the gate's limit and pauses the run for its Retry-After.
 */
export async function postJson(url: string, body: unknown, headers: Record<string, string>, o: HttpCallOptions): Promise<HttpResult> {
  const client = o.client ?? sharedHttpClient();
  const maxWait = o.maxWaitMs ?? 60_000;
  const payload = JSON.stringify(body);
  const r = await retry<HttpResult, HttpCallError>(
    async ({ attempt, now }) => {
      const release = await o.gate.acquire(o.signal);
      try {
        const t0 = performance.now();
        let res: OutboundResponse;
        try {
          res = await client.request({ url, method: "POST", headers: { "content-type": "application/json", ...headers }, body: payload, signal: o.signal, timeoutMs: o.timeoutMs });
        } catch (err) {
          if (o.signal?.aborted) throw o.signal.reason;
          return { ok: false, failure: new HttpCallError(`${url}: ${err instanceof OutboundError ? err.message : String(err)}`, null, null), retryable: true };
        }
        const latencyMs = performance.now() - t0;
        let json: unknown = res.text;
        try {
          json = res.text ? JSON.parse(res.text) : null;
        } catch {
          // keep the text: an error page is still worth showing
        }
        if (res.status >= 200 && res.status <= 299) {
          o.gate.onSuccess();
          return { ok: true, value: { status: res.status, json, header: res.header, latencyMs, attempts: attempt } };
        }
        const failure = new HttpCallError(`${url}: HTTP ${res.status}: ${errorMessage(json)}`, res.status, json);
        const retryAfterMs = retryAfterFromHeaders(res.headers, now());
        if (res.status === 429) o.gate.onRateLimited(retryAfterMs ?? 1000);
        return { ok: false, failure, retryable: isRetryableStatus(res.status), retryAfterMs };
      } finally {
        release();
      }
    },
    { attempts: o.retries + 1, baseMs: BACKOFF_BASE_MS, maxMs: maxWait, maxRetryAfterMs: maxWait },
    { signal: o.signal, random: o.random },
  );
  if (r.ok) return r.value;
  if (r.reason === "aborted" && o.signal?.aborted) throw o.signal.reason;
  throw r.failure ?? new HttpCallError(`${url}: no attempt made`, null, null);
}

function errorMessage(json: unknown): string {
  const m = (json as { error?: { message?: unknown } } | null)?.error?.message;
  if (typeof m === "string") return m;
  return typeof json === "string" ? json.slice(0, 200) : JSON.stringify(json)?.slice(0, 200) ?? "";
}

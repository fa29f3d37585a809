import { createHmac } from "node:crypto";
import { sleep } from "../async/sleep.js";
import { type HttpClient, OutboundError, sharedHttpClient } from "../http/client.js";
import { retry, type RetryPolicy } from "../http/retry.js";
import { retryAfterFromHeaders } from "../http/retry-after.js";
import type { Logger } from "../observe/log.js";
import { type AttemptOutcome, classify, type DeliveryPolicy, type DeliveryStatus, retryPolicyOf } from "./delivery.js";
import type { AlertRule } from "./rule-schema.js";
import type { AlertState } from "./state-machine.js";

/** The JSON body a webhook receives. */
export interface AlertPayload {
  type: "alert.firing" | "alert.resolved";
  rule: string;
  owner: string;
  metric: string;
  slice: AlertRule["slice"];
  status: AlertState["status"];
  value: number | null;
  baseline: number | null;
  samples: number;
  window_s: number;
  /** Start of the breach episode (ms): the same for a firing and its resolution. */
  episode: number | null;
  /** The incident this episode opened: `GET /api/v1/incidents/:id`, `keel incidents show ID`. */
  incident_id: string | null;
  at: number;
  description?: string;
}

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`); receivers recompute and compare in constant time. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Who is paged and where: an alert rule, or another source of alerts (the drift canary). */
export type NotifyTarget = Pick<AlertRule, "name" | "owner" | "notify"> & { metric: string };

export interface Notifier {
  /**
   * Logs the notification and starts its webhook delivery in the background. Callers must not
   * await it on an evaluation path; the promise (which never rejects) settles with the outcome.
   */
  notify(rule: NotifyTarget, payload: AlertPayload, deliveryId: string): Promise<DeliveryStatus>;
}

/** One delivery's progress, as the notification history shows it. */
export interface DeliveryUpdate {
  status: DeliveryStatus;
  attempts: number;
  last_http_status: number | null;
  last_error: string | null;
  at: number;
}

/** Where outcomes are written (AlertStore.updateDelivery). */
export interface DeliveryRecorder {
  updateDelivery(id: string, u: DeliveryUpdate): void;
}

/** Seams for tests: no real waiting, a fixed clock and jitter, another HTTP client. */
export interface NotifierDeps {
  /** The process's shared outbound client by default (http/client.ts). */
  client?: HttpClient;
  /** Resolves after `ms`, rejects when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

interface InFlight {
  rule: string;
  type: AlertPayload["type"];
  attempts: number;
  done: Promise<DeliveryStatus>;
}

const MAX_ERROR_CHARS = 500;

/**
 * Delivers to the target's webhook and to the log. Each notification is POSTed, signed afresh per
 * attempt, until a 2xx, a refusal (another 4xx), or `attempts` run out; 408/409/425/429, 5xx,
 * network errors and timeouts are retried by the outbound retry loop (http/retry.ts) after a
 * full-jitter exponential backoff, or the `Retry-After` the receiver asked for if longer, capped.
 * Deliveries run in the background so a slow receiver never holds up alert evaluation; `close()`
 * waits `shutdown_wait_ms` for them, then gives up and logs the rest.
 */
export class WebhookNotifier implements Notifier {
  private readonly inflight = new Map<string, InFlight>();
  private readonly abort = new AbortController();
  private closing = false;
  private readonly client: HttpClient;
  private readonly retryPolicy: RetryPolicy;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly log: Logger,
    private readonly secret: (credential: string) => string | undefined,
    private readonly recorder: DeliveryRecorder,
    private readonly policy: DeliveryPolicy,
    deps: NotifierDeps = {},
  ) {
    this.client = deps.client ?? sharedHttpClient();
    this.retryPolicy = retryPolicyOf(policy);
    this.sleep = deps.sleep ?? ((ms, signal) => sleep(ms, signal, { unref: true }));
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
  }

  notify(rule: NotifyTarget, payload: AlertPayload, deliveryId: string): Promise<DeliveryStatus> {
    if (rule.notify.log) this.log.warn(`alert ${payload.type === "alert.firing" ? "FIRING" : "resolved"}: ${rule.name}`, { owner: rule.owner, metric: rule.metric, value: payload.value, baseline: payload.baseline, samples: payload.samples, incident_id: payload.incident_id, delivery: deliveryId });
    const hook = rule.notify.webhook;
    if (!hook) return Promise.resolve(this.record(deliveryId, "not_sent", 0, null, "no webhook configured"));
    const secret = this.secret(hook.secret_credential);
    if (!secret) {
      this.log.error("alert webhook not sent: its secret credential is not set", { rule: rule.name, credential: hook.secret_credential, delivery: deliveryId });
      return Promise.resolve(this.record(deliveryId, "not_sent", 0, null, `secret credential "${hook.secret_credential}" is not set`));
    }
    if (this.closing) {
      this.log.error("alert webhook not sent: Keel is shutting down", { rule: rule.name, delivery: deliveryId });
      return Promise.resolve(this.record(deliveryId, "failed", 0, null, "Keel was shutting down"));
    }
    const entry: InFlight = { rule: rule.name, type: payload.type, attempts: 0, done: Promise.resolve("pending") };
    entry.done = this.deliver(entry, hook.url, secret, payload, deliveryId)
      .catch((err) => {
        this.log.error("alert webhook delivery crashed", { rule: rule.name, delivery: deliveryId, error: String(err) });
        return this.record(deliveryId, "failed", entry.attempts, null, String(err));
      })
      .finally(() => this.inflight.delete(deliveryId));
    this.inflight.set(deliveryId, entry);
    return entry.done;
  }

  /** Resolves when every delivery in flight has settled (tests; a drain before an orderly stop). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.values()].map((d) => d.done));
  }

  /** Stops new deliveries, waits up to `shutdown_wait_ms` for those in flight, then aborts them and logs what was not delivered. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.inflight.size === 0) return;
    const wait = new AbortController();
    const gaveUp = await Promise.race([
      this.idle().then(() => false),
      this.sleep(this.policy.shutdown_wait_ms, wait.signal).then(() => true, () => false),
    ]);
    wait.abort();
    if (!gaveUp || this.inflight.size === 0) return;
    const left = [...this.inflight.entries()].map(([delivery, d]) => ({ delivery, rule: d.rule, type: d.type, attempts: d.attempts }));
    this.abort.abort(new Error("Keel was shutting down"));
    await this.idle();
    this.log.error("alert webhooks not delivered before shutdown", { count: left.length, deliveries: left });
  }

  private async deliver(entry: InFlight, url: string, secret: string, payload: AlertPayload, id: string): Promise<DeliveryStatus> {
    const body = JSON.stringify(payload);
    const fields = { rule: entry.rule, type: payload.type, delivery: id };
    const r = await retry<number, AttemptOutcome>(
      async ({ attempt, now }) => {
        const o = await this.attempt(url, secret, body, payload.type, id, attempt, now);
        entry.attempts = attempt;
        const verdict = classify(o);
        return verdict === "delivered" ? { ok: true, value: o.status ?? 0 } : { ok: false, failure: o, retryable: verdict === "retry", retryAfterMs: o.retryAfterMs };
      },
      this.retryPolicy,
      {
        signal: this.abort.signal, sleep: (ms, signal) => this.sleep(ms, signal ?? this.abort.signal), now: this.now, random: this.random,
        onRetry: (last, attempt) => {
          this.log.warn("alert webhook attempt failed; retrying", { ...fields, status: last.status, error: last.error, attempt });
          this.record(id, "retrying", attempt, last.status, last.error);
        },
      },
    );
    if (r.ok) {
      if (r.attempts > 1) this.log.info("alert webhook delivered after retries", { ...fields, attempts: r.attempts });
      return this.record(id, "delivered", r.attempts, r.value, null);
    }
    const last = r.failure ?? { status: null, error: null };
    if (r.reason === "final") {
      this.log.error("alert webhook refused", { ...fields, status: last.status, attempts: r.attempts });
      return this.record(id, "refused", r.attempts, last.status, last.error);
    }
    if (r.reason === "aborted") {
      this.log.error("alert webhook failed: Keel shut down before the next attempt", { ...fields, attempts: entry.attempts, status: last.status, error: last.error });
      return this.record(id, "failed", entry.attempts, last.status, `${last.error ?? "not delivered"}; Keel shut down before attempt ${r.attempts + 1}`);
    }
    this.log.error("alert webhook failed", { ...fields, status: last.status, error: last.error, attempts: r.attempts });
    return this.record(id, "failed", r.attempts, last.status, last.error);
  }

  /** One signed POST; never throws. The timestamp (and so the signature) is fresh per attempt. */
  private async attempt(url: string, secret: string, body: string, type: string, id: string, attempt: number, now: () => number): Promise<AttemptOutcome> {
    const ts = Math.floor(now() / 1000);
    try {
      const res = await this.client.request({
        url,
        method: "POST",
        headers: {
          "content-type": "application/json", "x-keel-event": type, "x-keel-timestamp": String(ts), "x-keel-signature": signPayload(secret, ts, body),
          "x-keel-delivery": id, "x-keel-attempt": String(attempt),
        },
        body,
        signal: this.abort.signal,
        timeoutMs: this.policy.timeout_ms,
        read: "discard",
      });
      const ok = res.status >= 200 && res.status <= 299;
      return { status: res.status, error: ok ? null : `HTTP ${res.status}`, retryAfterMs: retryAfterFromHeaders(res.headers, now()) };
    } catch (err) {
      const msg = err instanceof OutboundError ? err.message : String((err as Error)?.message ?? err);
      return { status: null, error: msg.slice(0, MAX_ERROR_CHARS) };
    }
  }

  private record(id: string, status: DeliveryStatus, attempts: number, httpStatus: number | null, error: string | null): DeliveryStatus {
    try {
      this.recorder.updateDelivery(id, { status, attempts, last_http_status: httpStatus, last_error: error?.slice(0, MAX_ERROR_CHARS) ?? null, at: this.now() });
    } catch (err) {
      this.log.error("alert delivery status not recorded", { delivery: id, status, error: String(err) });
    }
    return status;
  }
}

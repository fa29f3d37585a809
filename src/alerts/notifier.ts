import { createHmac } from "node:crypto";
import type { Logger } from "../observe/log.js";
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
  notify(rule: NotifyTarget, payload: AlertPayload): Promise<void>;
}

/** Delivers to the rule's webhook (signed, 10 s timeout, errors logged not thrown) and to the log. */
export class WebhookNotifier implements Notifier {
  constructor(private readonly log: Logger, private readonly secret: (credential: string) => string | undefined, private readonly timeoutMs = 10_000) {}

  async notify(rule: NotifyTarget, payload: AlertPayload): Promise<void> {
    if (rule.notify.log) this.log.warn(`alert ${payload.type === "alert.firing" ? "FIRING" : "resolved"}: ${rule.name}`, { owner: rule.owner, metric: rule.metric, value: payload.value, baseline: payload.baseline, samples: payload.samples, incident_id: payload.incident_id });
    const hook = rule.notify.webhook;
    if (!hook) return;
    const secret = this.secret(hook.secret_credential);
    if (!secret) {
      this.log.error("alert webhook not sent: its secret credential is not set", { rule: rule.name, credential: hook.secret_credential });
      return;
    }
    const body = JSON.stringify(payload);
    const ts = Math.floor(Date.now() / 1000);
    try {
      const res = await fetch(hook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-keel-timestamp": String(ts), "x-keel-signature": signPayload(secret, ts, body), "x-keel-event": payload.type },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await res.arrayBuffer();
      if (!res.ok) this.log.error("alert webhook refused", { rule: rule.name, status: res.status });
    } catch (err) {
      this.log.error("alert webhook failed", { rule: rule.name, error: String(err) });
    }
  }
}

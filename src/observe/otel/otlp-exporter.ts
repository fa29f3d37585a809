import { type HttpClient, sharedHttpClient } from "../../http/client.js";
import type { Logger } from "../log.js";
import type { TraceRecord } from "../types.js";
import { VERSION } from "../../version.js";
import { genAiSpan } from "./genai-span.js";
import type { OtelExportConfig } from "./otel-schema.js";

/**
 * Exports gateway calls as OTLP/HTTP JSON spans to a collector. `record()` is O(1) (a push);
 * records become spans only when a batch is sent, on a timer or when a batch fills, never on
 * the request path. A slow or absent collector costs a bounded queue: beyond `max_queue` records
 * are dropped and counted. One request in flight at a time keeps ordering and memory simple.
 * HTTP goes through the outbound client (http/client.ts): pooled keep-alive, `timeout_ms` bounding
 * each export. A failed batch is dropped and counted, not retried.
 */
export class OtlpExporter {
  private queue: TraceRecord[] = [];
  private timer: NodeJS.Timeout | null = null;
  private sending: Promise<void> | null = null;
  private closed = false;
  dropped = 0;
  exported = 0;
  failed = 0;

  private readonly client: HttpClient;

  constructor(private readonly cfg: OtelExportConfig & { endpoint: string }, private readonly log: Logger, client?: HttpClient) {
    this.client = client ?? sharedHttpClient();
  }

  record(r: TraceRecord): void {
    if (this.closed || this.queue.length >= this.cfg.max_queue) {
      this.dropped++;
      return;
    }
    this.queue.push(r);
    if (this.queue.length >= this.cfg.batch_size) {
      if (!this.sending) setImmediate(() => void this.flush());
    } else if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), this.cfg.flush_interval_ms);
      this.timer.unref();
    }
  }

  /** Sends everything queued, batch by batch. Resolves when the queue is empty or a send failed. */
  async flush(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    while (this.sending) await this.sending;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.cfg.batch_size);
      this.sending = this.send(batch);
      try {
        await this.sending;
      } finally {
        this.sending = null;
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async send(batch: TraceRecord[]): Promise<void> {
    const body = JSON.stringify({
      resourceSpans: [{
        resource: { attributes: [{ key: "service.name", value: { stringValue: this.cfg.service_name } }, { key: "service.version", value: { stringValue: VERSION } }] },
        scopeSpans: [{ scope: { name: "keel.gateway", version: VERSION }, spans: batch.map(genAiSpan) }],
      }],
    });
    try {
      const res = await this.client.request({
        url: this.cfg.endpoint,
        method: "POST",
        headers: { ...this.cfg.headers, "content-type": "application/json" },
        body,
        timeoutMs: this.cfg.timeout_ms,
        read: "discard",
      });
      if (res.status < 200 || res.status > 299) throw new Error(`collector answered ${res.status}`);
      this.exported += batch.length;
    } catch (err) {
      this.failed += batch.length;
      this.log.warn("OTLP export failed; spans dropped", { spans: batch.length, error: String(err) });
    }
  }
}

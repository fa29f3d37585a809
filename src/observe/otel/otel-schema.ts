import { z } from "zod";

/** `otel:` in keel.yaml — OpenTelemetry export of gateway calls (docs/observability.md#opentelemetry). */
export const otelConfigSchema = z
  .strictObject({
    export: z
      .strictObject({
        /** OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. Absent: no export, no cost. */
        endpoint: z.url({ protocol: /^https?$/ }).optional(),
        /** Extra request headers (a collector's auth header). */
        headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,128}$/), z.string().max(4096)).default({}),
        service_name: z.string().min(1).max(256).default("keel"),
        batch_size: z.int().min(1).max(10_000).default(512),
        flush_interval_ms: z.int().min(10).max(60_000).default(1000),
        /** Spans waiting beyond this are dropped and counted rather than grow memory. */
        max_queue: z.int().min(100).max(1_000_000).default(20_000),
        timeout_ms: z.int().min(100).max(60_000).default(10_000),
      })
      .prefault({}),
  })
  .prefault({});

export type OtelConfig = z.output<typeof otelConfigSchema>;
export type OtelExportConfig = OtelConfig["export"];

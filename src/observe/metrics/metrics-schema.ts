import { z } from "zod";
import { labelBoundSchema } from "./label-bounds.js";

/** `metrics:` in keel.yaml — the Prometheus endpoint and how its labels are bounded (docs/observability.md). */
export const metricsConfigSchema = z
  .strictObject({
    /** Serve `GET /metrics`. When false nothing is counted either: finalisation skips the hook. */
    enabled: z.boolean().default(true),
    /** Ask for the admin token on `/metrics` (off: scrape it from a trusted network). */
    require_auth: z.boolean().default(false),
    /** Per-label bounds: allow-listed values always kept, the first `top_n` others, the rest `other`. */
    labels: z
      .strictObject({
        key: labelBoundSchema.prefault({ top_n: 50 }),
        user: labelBoundSchema.prefault({ top_n: 20 }),
        feature: labelBoundSchema.prefault({ top_n: 50 }),
        model: labelBoundSchema.prefault({ top_n: 100 }),
        prompt: labelBoundSchema.prefault({ top_n: 100 }),
        scanner: labelBoundSchema.prefault({ top_n: 100 }),
        eval: labelBoundSchema.prefault({ top_n: 100 }),
      })
      .prefault({}),
    /** Eval scores and feedback on `/metrics` are averaged over this trailing window. */
    eval_window_s: z.int().min(60).max(7 * 86_400).default(3600),
  })
  .prefault({});

export type MetricsConfig = z.output<typeof metricsConfigSchema>;

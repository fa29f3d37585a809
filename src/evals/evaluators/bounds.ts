import { z } from "zod";
import { commonOptions, defineEvaluator } from "./spec.js";
import { notDefined, scored } from "./types.js";

export const latencySpec = defineEvaluator({
  kind: "latency",
  family: "deterministic",
  summary: "1 when the target's latency is at most `max_ms`",
  schema: z.strictObject({ kind: z.literal("latency"), ...commonOptions, max_ms: z.number().positive() }),
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "latency", kind: "latency", family: "deterministic", threshold,
      async evaluate(c) {
        if (c.latencyMs === undefined) return notDefined("no_measurement", "no latency was measured (cached output?)");
        const ok = c.latencyMs <= o.max_ms;
        return scored(ok ? 1 : 0, threshold, `${c.latencyMs.toFixed(1)} ms ${ok ? "≤" : ">"} ${o.max_ms} ms`);
      },
    };
  },
});

export const costSpec = defineEvaluator({
  kind: "cost",
  family: "deterministic",
  summary: "1 when the target call cost at most `max_usd`",
  schema: z.strictObject({ kind: z.literal("cost"), ...commonOptions, max_usd: z.number().min(0) }),
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "cost", kind: "cost", family: "deterministic", threshold,
      async evaluate(c) {
        if (c.costUsd === undefined) return notDefined("no_measurement", "the call's cost is unknown");
        const ok = c.costUsd <= o.max_usd;
        return scored(ok ? 1 : 0, threshold, `$${c.costUsd.toFixed(6)} ${ok ? "≤" : ">"} $${o.max_usd}`);
      },
    };
  },
});

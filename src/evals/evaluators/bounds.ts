import { defineEvaluator } from "./spec.js";
import { notDefined, scored } from "./types.js";
import { latencyKind, costKind } from "./bounds-schema.js";

export const latencySpec = defineEvaluator({
  ...latencyKind,
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
  ...costKind,
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

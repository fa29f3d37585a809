import { deepEqual } from "./json-equal.js";
import { defineEvaluator } from "./spec.js";
import { notDefined, scored, type ToolCallValue } from "./types.js";
import { toolCallKind } from "./tool-calls-schema.js";

/**
 * Score of one actual call against one expected call: 0 when the names differ; otherwise the share
 * of expected arguments present with deep-equal values (1 when none are expected). With `exact`
 * arguments an extra argument also makes it 0.
 */
export function callScore(expected: ToolCallValue, actual: ToolCallValue, exactArgs: boolean): number {
  if (expected.name !== actual.name) return 0;
  const want = isRecord(expected.arguments) ? expected.arguments : {};
  const got = isRecord(actual.arguments) ? actual.arguments : {};
  if (exactArgs) return deepEqual(want, got) ? 1 : 0;
  const keys = Object.keys(want);
  if (keys.length === 0) return 1;
  return keys.filter((k) => Object.hasOwn(got, k) && deepEqual(want[k], got[k])).length / keys.length;
}

/**
 * Tool-call correctness: Σ matched call scores / max(|expected|, |actual|), so missing and extra
 * calls both cost. `ordered`: the i-th actual call is compared with the i-th expected; otherwise
 * each expected call takes its best unused actual call (greedy, in expected order).
 * Expecting no call and getting none scores 1.
 */
export function toolCallCorrectness(expected: readonly ToolCallValue[], actual: readonly ToolCallValue[], o: { ordered: boolean; exactArgs: boolean }): { score: number; perCall: number[] } {
  const denom = Math.max(expected.length, actual.length);
  if (denom === 0) return { score: 1, perCall: [] };
  const perCall: number[] = [];
  const used = new Set<number>();
  expected.forEach((e, i) => {
    if (o.ordered) return void perCall.push(i < actual.length ? callScore(e, actual[i], o.exactArgs) : 0);
    let best = 0;
    let bestJ = -1;
    actual.forEach((a, j) => {
      if (used.has(j)) return;
      const s = callScore(e, a, o.exactArgs);
      if (s > best) [best, bestJ] = [s, j];
    });
    if (bestJ >= 0) used.add(bestJ);
    perCall.push(best);
  });
  return { score: perCall.reduce((s, x) => s + x, 0) / denom, perCall };
}

export const toolCallSpec = defineEvaluator({
  ...toolCallKind,
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "tool_call", kind: "tool_call", family: "deterministic", threshold,
      async evaluate(c) {
        if (!c.expectedToolCalls) return notDefined("no_reference", "the item has no expected_tool_calls");
        const actual = c.toolCalls ?? [];
        const r = toolCallCorrectness(c.expectedToolCalls, actual, { ordered: o.ordered, exactArgs: o.exact_arguments });
        const names = actual.map((a) => a.name).join(", ") || "none";
        return scored(r.score, threshold, `expected ${c.expectedToolCalls.map((e) => e.name).join(", ") || "no call"}; got ${names}`, { details: { per_call: r.perCall } });
      },
    };
  },
});

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

import { defineEvaluator } from "./spec.js";
import { notDefined, scored } from "./types.js";
import { numericKind } from "./numeric-schema.js";

/** The first number in a text: digits with an optional sign, decimals, exponent; thousands commas ignored. */
export function firstNumber(text: string): number | undefined {
  const m = text.replace(/(\d),(?=\d{3}\b)/g, "$1").match(/[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/);
  if (!m) return undefined;
  const n = Number(m[0]);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * numeric: passes when |output − expected| ≤ max(abs, rel·|expected|). The score is binary: a
 * graded score would need a scale the data does not give.
 */
export const numericSpec = defineEvaluator({
  ...numericKind,
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "numeric", kind: "numeric", family: "deterministic", threshold,
      async evaluate(c) {
        const expected = typeof c.expected === "number" ? c.expected : typeof c.expected === "string" ? firstNumber(c.expected) : undefined;
        if (expected === undefined) return notDefined("no_reference", "the item has no expected number");
        const got = firstNumber(c.output);
        if (got === undefined) return scored(0, threshold, "the output contains no number", { label: "no_number" });
        const tol = Math.max(o.abs, o.rel * Math.abs(expected));
        const err = Math.abs(got - expected);
        return scored(err <= tol ? 1 : 0, threshold, `got ${got}, expected ${expected} ± ${tol} (error ${err})`, { details: { got, expected, error: err, tolerance: tol } });
      },
    };
  },
});

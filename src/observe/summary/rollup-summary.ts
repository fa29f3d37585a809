import type { RangePlan } from "../rollup/range-plan.js";
import { addCall, emptyAcc, NULL_VALUE, type RollupAcc, type RollupDim, ROLLUP_DIMS } from "../rollup/rollup-groups.js";
import type { RollupStore } from "../rollup/rollup-store.js";
import { type ScoreRow, type SliceSummary, sliceSummary, withScores } from "./summarize.js";

/** The rollup rows that answer a query: one dimension, optionally one value of it. */
export interface RollupTarget {
  dim: RollupDim;
  value?: string;
}

/**
 * Which rollup answers `by` + `where`, or null when none can: rollups hold one dimension at a time,
 * so a query may slice and filter on the same dimension, or filter on one and not slice, but not
 * mix two (`by=feature&model=x`), and never by `user`. Those read the trace rows.
 */
export function rollupTarget(by: string | undefined, where: Partial<Record<string, string>>): RollupTarget | null {
  const filters = Object.entries(where).filter(([, v]) => v !== undefined) as [string, string][];
  if (filters.length > 1) return null;
  const dims = ROLLUP_DIMS as readonly string[];
  if (by !== undefined && !dims.includes(by)) return null;
  if (filters.length === 1) {
    const [dim, value] = filters[0];
    if (!dims.includes(dim) || (by !== undefined && by !== dim)) return null;
    return { dim: dim as RollupDim, value };
  }
  return { dim: (by ?? "all") as RollupDim };
}

/** A call read from the rows at a range's edge, with its slice value. */
export interface EdgeCall {
  slice: string | null;
  status: string;
  endpoint: string;
  latencyMs: number;
  ttftMs: number | null;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  costUsd: number;
  guardTriggered: number;
}

/**
 * Gathers one accumulator per slice for a planned range: rollup rows for whole hours and minutes,
 * `edges` (rows of the sub-minute remainders) for the rest. `sliceOf` names the slice a rollup
 * value belongs to (its value when slicing by the dimension, one constant otherwise).
 */
export function gatherRange(
  rollups: RollupStore, plan: RangePlan, target: RollupTarget, sliceOf: (value: string | null) => string,
  edges: (from: number, to: number) => Iterable<EdgeCall>, into = new Map<string, RollupAcc>(),
): Map<string, RollupAcc> {
  const accOf = (slice: string): RollupAcc => {
    let a = into.get(slice);
    if (!a) into.set(slice, (a = emptyAcc()));
    return a;
  };
  for (const grain of ["hour", "minute"] as const) {
    for (const [from, to] of plan[grain]) {
      rollups.addTo(grain, target.dim, from, to, target.value, (value) => accOf(sliceOf(value === NULL_VALUE ? null : value)));
    }
  }
  for (const [from, to] of plan.raw) {
    for (const c of edges(from, to)) addCall(accOf(sliceOf(c.slice)), { ...c, guardTriggered: c.guardTriggered === 1 });
  }
  return into;
}

/** The slice answers from gathered accumulators: percentiles from their sketches (docs/observability.md). */
export function summarizeAccs(accs: Map<string, RollupAcc>, scores: readonly ScoreRow[]): SliceSummary[] {
  const out: SliceSummary[] = [];
  for (const [slice, a] of accs) {
    if (a.requests === 0) continue;
    const [l50, l95] = a.latency.quantiles([0.5, 0.95]);
    const [t50, t95] = a.ttft.quantiles([0.5, 0.95]);
    const [tps] = a.tps.quantiles([0.5]);
    out.push(sliceSummary(slice, a, [l50, l95, t50, t95, tps]));
  }
  return withScores(out, scores);
}

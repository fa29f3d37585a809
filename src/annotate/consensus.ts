import type { Dimension } from "./queue-schema.js";
import { numeric } from "./label-check.js";
import type { LabelRecord } from "./types.js";

/**
 * The consensus value of one dimension over some labels: the experts' when any expert labelled
 * (experts catch convincing wrong answers generalists pass), everyone's otherwise. Nominal: the
 * most frequent label, ties to the earlier label on the scale; ordinal: the lower median; interval:
 * the mean. Null when nobody gave a value.
 */
export function consensus(d: Dimension, labels: readonly LabelRecord[]): number | null {
  const experts = labels.filter((l) => l.expertise === "expert");
  const from = experts.length ? experts : labels;
  const vs = from.map((l) => l.values[d.name]).filter((v) => v !== undefined).map((v) => numeric(d.scale, v));
  return combine(d, vs);
}

export function combine(d: Dimension, vs: readonly number[]): number | null {
  if (vs.length === 0) return null;
  if (d.scale.kind === "nominal") {
    const counts = new Map<number, number>();
    for (const v of vs) counts.set(v, (counts.get(v) ?? 0) + 1);
    let best = -1;
    let bestN = 0;
    for (const [v, n] of [...counts].sort((a, b) => a[0] - b[0])) if (n > bestN) [best, bestN] = [v, n];
    return best;
  }
  const sorted = [...vs].sort((a, b) => a - b);
  if (d.scale.kind === "ordinal") return sorted[Math.floor((sorted.length - 1) / 2)];
  return sorted.reduce((s, x) => s + x, 0) / sorted.length;
}

/** Which kind of human made a row: an expert's label outweighs any number of generalists'. */
export function origin(labels: readonly LabelRecord[]): "human_expert" | "human_generalist" {
  return labels.some((l) => l.expertise === "expert") ? "human_expert" : "human_generalist";
}

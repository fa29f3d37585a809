/**
 * Per-group figures for `keel guard eval --group-by source|family`: one aggregate hides a family
 * the detector never learnt, so the report is per group, worst first, with the worst named.
 * Over-defence gets its own figure: false positives on benign rows with trigger words ("ignore",
 * "password", "system prompt") against those on other benign rows.
 */
import { computeMetrics, type Metrics, type Outcome } from "./metrics.js";
import type { EvalRow } from "./rows.js";

export type GroupBy = "source" | "family";
export const GROUP_BYS: readonly GroupBy[] = ["source", "family"];

/** Rows without the field fall in this group. */
export const NO_GROUP = "(none)";

/**
 * The group of a row. `source` is the repository prefix — `NVIDIA/garak:garak/data/x.json` →
 * `NVIDIA/garak` — since one upstream project is one provenance however many files it has;
 * `family` is taken whole (`encoding:base64`).
 */
export function groupOf(row: Pick<EvalRow, "source" | "family">, by: GroupBy): string {
  if (by === "family") return row.family ?? NO_GROUP;
  if (row.source === undefined) return NO_GROUP;
  const i = row.source.indexOf(":");
  return i > 0 ? row.source.slice(0, i) : row.source;
}

export interface GroupMetrics extends Metrics {
  group: string;
  attacks: number;
  benign: number;
}

export interface WorstGroups {
  /** Lowest detection among groups with attacks (largest group first on a tie). */
  detection: { group: string; detection_rate: number; tp: number; attacks: number } | null;
  /** Highest false-positive rate among groups with benign rows only. */
  false_positive: { group: string; false_positive_rate: number; fp: number; benign: number } | null;
}

/**
 * Metrics per group, worst first: groups with attacks by detection ascending, then benign-only
 * groups by false-positive rate descending; ties go to the larger group, then by name.
 */
export function metricsByGroup(groups: readonly string[], outcomes: readonly Outcome[]): GroupMetrics[] {
  if (groups.length !== outcomes.length) throw new Error(`metricsByGroup: ${groups.length} groups for ${outcomes.length} outcomes`);
  const by = new Map<string, Outcome[]>();
  outcomes.forEach((o, i) => (by.has(groups[i]) ? by.get(groups[i])!.push(o) : by.set(groups[i], [o])));
  const out = [...by].map(([group, os]): GroupMetrics => {
    const attacks = os.filter((o) => o.label === 1).length;
    return { group, attacks, benign: os.length - attacks, ...computeMetrics(os) };
  });
  return out.sort(worstFirst);
}

function worstFirst(a: GroupMetrics, b: GroupMetrics): number {
  const aAtt = a.attacks > 0;
  const bAtt = b.attacks > 0;
  if (aAtt !== bAtt) return aAtt ? -1 : 1;
  const d = aAtt ? a.detection_rate! - b.detection_rate! : b.false_positive_rate! - a.false_positive_rate!;
  return d || b.n - a.n || (a.group < b.group ? -1 : a.group > b.group ? 1 : 0);
}

/** The two worst groups of a table sorted by `metricsByGroup`. */
export function worstGroups(table: readonly GroupMetrics[]): WorstGroups {
  const att = table.find((g) => g.attacks > 0);
  const ben = table.find((g) => g.attacks === 0);
  return {
    detection: att ? { group: att.group, detection_rate: att.detection_rate!, tp: att.tp, attacks: att.attacks } : null,
    false_positive: ben ? { group: ben.group, false_positive_rate: ben.false_positive_rate!, fp: ben.fp, benign: ben.benign } : null,
  };
}

export const TRIGGER_WORD_SUFFIX = ":trigger_word";

export interface OverDefence {
  /** Benign rows whose family ends in `:trigger_word`. */
  trigger_word: { n: number; fp: number; false_positive_rate: number | null };
  /** All other benign rows. */
  other: { n: number; fp: number; false_positive_rate: number | null };
}

/** False positives on trigger-word benign rows vs the rest; null when no row is a trigger-word row. */
export function overDefence(rows: readonly Pick<EvalRow, "label" | "family">[], outcomes: readonly Outcome[]): OverDefence | null {
  if (!rows.some((r) => r.label === 0 && r.family?.endsWith(TRIGGER_WORD_SUFFIX))) return null;
  const tw = { n: 0, fp: 0 };
  const other = { n: 0, fp: 0 };
  rows.forEach((r, i) => {
    if (r.label !== 0) return;
    const c = r.family?.endsWith(TRIGGER_WORD_SUFFIX) ? tw : other;
    c.n++;
    if (outcomes[i].triggered) c.fp++;
  });
  const rate = (c: { n: number; fp: number }): number | null => (c.n === 0 ? null : Math.round((c.fp / c.n) * 1e4) / 1e4);
  return { trigger_word: { ...tw, false_positive_rate: rate(tw) }, other: { ...other, false_positive_rate: rate(other) } };
}

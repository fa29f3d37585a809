/**
 * Leave-one-group-out evaluation of a trained detector: for each group (an attack family, a
 * source), train on every other group and measure on the held-out one. The threshold reported
 * with each group is chosen on the training groups only — by an inner grouped cross-validation
 * over them — never on the rows that are reported. The trainer is passed in, so the shipped
 * logistic model, a new model family or a test's trivial scorer all run through the same code.
 *
 * With `groupFolds: k` the groups are held out k folds at a time instead of one by one (each
 * group still in exactly one held-out fold, whole): k trainings instead of one per group, when
 * training is slow. Each group is then scored by a model that saw neither it nor its fold-mates,
 * which is if anything harder than leaving it out alone.
 */
import { groupedStratifiedFolds } from "./cross-validate.js";
import { rateAt, thresholdForFpr } from "./threshold.js";

/** Trains on the rows and returns a scorer: higher is more likely an attack, in [0, 1]. */
export type Trainer<R> = (rows: readonly R[]) => Scorer<R> | Promise<Scorer<R>>;
export type Scorer<R> = (row: R) => number;

export interface LabelledRow {
  label: 0 | 1;
}

export interface LogoOptions<R> {
  /** The held-out group of a row. */
  groupOf: (row: R) => string;
  /** Rows always in the training part and never scored (e.g. the shipped training set). */
  alwaysTrain?: readonly R[];
  /** Threshold the trainer ships with; figures at it are reported too. */
  fixedThreshold?: number;
  /** Target false-positive rate for the threshold chosen on the training folds (default 0.02). */
  targetFpr?: number;
  /** Inner folds over the training groups that choose that threshold (default 3; 0 = no chosen threshold). */
  innerFolds?: number;
  /** Only these groups are held out (the others still train); default all. */
  only?: readonly string[];
  /** Hold out whole groups k folds at a time (label-balanced, seeded) instead of one group at a time. */
  groupFolds?: number;
  seed?: number;
  /** Progress, e.g. to stderr: "held out encoding (3/20)". */
  progress?: (msg: string) => void;
}

export interface RatesAt {
  threshold: number;
  detection_rate: number | null;
  false_positive_rate: number | null;
}

export interface HeldOutGroup {
  group: string;
  n: number;
  attacks: number;
  benign: number;
  /** At the threshold chosen on the training folds for this group (when innerFolds > 0). */
  chosen?: RatesAt & { training_fpr: number };
  /** At the trainer's fixed threshold (when given). */
  fixed?: RatesAt;
}

export interface ScoredRow<R> {
  row: R;
  group: string;
  score: number;
  /** The threshold chosen without this row's group, if any. */
  chosen_threshold?: number;
}

export interface LogoReport<R> {
  groups: HeldOutGroup[];
  /** Unweighted mean over groups: detection over groups with attacks, FP over groups with benign rows. */
  macro: { chosen?: MacroRates; fixed?: MacroRates };
  /** Every held-out row with the score of the model that never saw its group. */
  scored: ScoredRow<R>[];
}

export interface MacroRates {
  detection_rate: number | null;
  false_positive_rate: number | null;
  groups_with_attacks: number;
  groups_with_benign: number;
}

export async function leaveOneGroupOut<R extends LabelledRow>(rows: readonly R[], train: Trainer<R>, o: LogoOptions<R>): Promise<LogoReport<R>> {
  const always = o.alwaysTrain ?? [];
  const inner = o.innerFolds ?? 3;
  const target = o.targetFpr ?? 0.02;
  const names = [...new Set(rows.map(o.groupOf))].sort();
  if (names.length < 2) throw new RangeError(`leave-one-group-out needs at least two groups, got ${names.length}`);
  const held = o.only ? names.filter((g) => o.only!.includes(g)) : names;
  if (o.only) for (const g of o.only) if (!names.includes(g)) throw new RangeError(`no group "${g}" (groups: ${names.join(", ")})`);
  const folds = o.groupFolds === undefined ? held.map((g) => [g]) : foldGroups(rows.filter((r) => held.includes(o.groupOf(r))), o.groupOf, o.groupFolds, o.seed ?? 1);
  const groups: HeldOutGroup[] = [];
  const scored: ScoredRow<R>[] = [];
  for (const [k, fold] of folds.entries()) {
    o.progress?.(`held out ${fold.join(", ")} (${k + 1}/${folds.length})`);
    const out = new Set(fold);
    const trainRows = rows.filter((r) => !out.has(o.groupOf(r)));
    let chosen: { threshold: number; training_fpr: number } | undefined;
    if (inner > 0) {
      const c = await innerThreshold(trainRows, always, train, o.groupOf, inner, target, (o.seed ?? 1) + k);
      chosen = { threshold: c.threshold, training_fpr: c.false_positive_rate };
    }
    const score = await train([...trainRows, ...always]);
    for (const g of fold) {
      const test = rows.filter((r) => o.groupOf(r) === g);
      const s = test.map((r) => score(r));
      test.forEach((row, i) => scored.push({ row, group: g, score: s[i], ...(chosen ? { chosen_threshold: chosen.threshold } : {}) }));
      const att = s.filter((_, i) => test[i].label === 1);
      const ben = s.filter((_, i) => test[i].label === 0);
      const at = (t: number): RatesAt => ({ threshold: t, detection_rate: rateAt(att, t), false_positive_rate: rateAt(ben, t) });
      const h: HeldOutGroup = { group: g, n: test.length, attacks: att.length, benign: ben.length };
      if (chosen) h.chosen = { ...at(chosen.threshold), training_fpr: chosen.training_fpr };
      if (o.fixedThreshold !== undefined) h.fixed = at(o.fixedThreshold);
      groups.push(h);
    }
  }
  groups.sort((a, b) => (a.group < b.group ? -1 : 1));
  const macro: LogoReport<R>["macro"] = {};
  if (inner > 0) macro.chosen = macroOf(groups.map((g) => g.chosen!));
  if (o.fixedThreshold !== undefined) macro.fixed = macroOf(groups.map((g) => g.fixed!));
  return { groups, macro, scored };
}

/** Whole groups into at most k folds, balancing attack and benign rows (cross-validate.ts); empty folds dropped. */
function foldGroups<R extends LabelledRow>(rows: readonly R[], groupOf: (r: R) => string, k: number, seed: number): string[][] {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`group folds must be an integer ≥ 2, got ${k}`);
  const groups = rows.map(groupOf);
  const fold = groupedStratifiedFolds(rows.map((r) => r.label), groups, k, seed);
  const out: Set<string>[] = Array.from({ length: k }, () => new Set<string>());
  groups.forEach((g, i) => out[fold[i]].add(g));
  return out.filter((f) => f.size > 0).map((f) => [...f].sort());
}

/**
 * Out-of-fold scores on the training groups (each inner fold is whole groups, label-balanced),
 * then the threshold for the target rate on their benign rows.
 */
async function innerThreshold<R extends LabelledRow>(
  rows: readonly R[], always: readonly R[], train: Trainer<R>, groupOf: (r: R) => string, k: number, target: number, seed: number,
): Promise<{ threshold: number; false_positive_rate: number }> {
  const folds = foldGroups(rows, groupOf, k, seed);
  const benign: number[] = [];
  for (const fold of folds) {
    const inFold = new Set(fold);
    const part = rows.filter((r) => inFold.has(groupOf(r)));
    if (!part.some((r) => r.label === 0)) continue;
    const score = await train([...rows.filter((r) => !inFold.has(groupOf(r))), ...always]);
    for (const r of part) if (r.label === 0) benign.push(score(r));
  }
  if (benign.length === 0) throw new RangeError("the training groups hold no benign rows: no threshold can be chosen for a false-positive rate");
  return thresholdForFpr(benign, target);
}

function macroOf(rates: readonly RatesAt[]): MacroRates {
  const det = rates.map((r) => r.detection_rate).filter((x): x is number => x !== null);
  const fp = rates.map((r) => r.false_positive_rate).filter((x): x is number => x !== null);
  const mean = (xs: number[]): number | null => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1e4) / 1e4);
  return { detection_rate: mean(det), false_positive_rate: mean(fp), groups_with_attacks: det.length, groups_with_benign: fp.length };
}

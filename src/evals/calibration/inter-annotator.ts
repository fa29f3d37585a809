import { mean } from "../stats/descriptive.js";
import { defined, type Estimate, undefinedBecause } from "../stats/estimate.js";
import { cohensKappa } from "../stats/kappa.js";
import { krippendorffAlpha } from "../stats/krippendorff.js";

export interface PairKappa {
  readonly a: string;
  readonly b: string;
  readonly n: number;
  readonly kappa: Estimate;
  readonly kappa_quadratic: Estimate;
}

export interface InterAnnotatorReport {
  readonly raters: readonly string[];
  /** Items rated by at least two raters. */
  readonly items: number;
  /** All raters at once, missing ratings allowed. */
  readonly krippendorff_alpha: { readonly nominal: Estimate; readonly ordinal: Estimate; readonly interval: Estimate };
  readonly pairs: readonly PairKappa[];
  /** Light's kappa: the mean of the pairwise Cohen's kappas (Light 1971). */
  readonly mean_pairwise_kappa: Estimate;
  readonly mean_pairwise_kappa_quadratic: Estimate;
}

/** Agreement among several raters (the experts), from rater → (item → score). */
export function interAnnotator(raters: ReadonlyMap<string, ReadonlyMap<string, number>>): InterAnnotatorReport | null {
  const names = [...raters.keys()].sort();
  if (names.length < 2) return null;
  const items = [...new Set(names.flatMap((r) => [...raters.get(r)!.keys()]))].sort();
  const units = items.map((id) => names.map((r) => raters.get(r)!.get(id) ?? null));
  const pairs: PairKappa[] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const ra = raters.get(names[i])!;
      const rb = raters.get(names[j])!;
      const common = [...ra.keys()].filter((id) => rb.has(id));
      const xa = common.map((id) => ra.get(id)!);
      const xb = common.map((id) => rb.get(id)!);
      pairs.push({ a: names[i], b: names[j], n: common.length, kappa: cohensKappa(xa, xb), kappa_quadratic: cohensKappa(xa, xb, "quadratic") });
    }
  }
  const meanOf = (pick: (p: PairKappa) => Estimate): Estimate => {
    const vs = pairs.map(pick).map((e) => e.value).filter((v): v is number => v !== null);
    return vs.length === 0 ? undefinedBecause("no pair of raters has a defined kappa") : defined(mean(vs));
  };
  return {
    raters: names,
    items: units.filter((u) => u.filter((v) => v !== null).length >= 2).length,
    krippendorff_alpha: {
      nominal: krippendorffAlpha(units, "nominal"),
      ordinal: krippendorffAlpha(units, "ordinal"),
      interval: krippendorffAlpha(units, "interval"),
    },
    pairs,
    mean_pairwise_kappa: meanOf((p) => p.kappa),
    mean_pairwise_kappa_quadratic: meanOf((p) => p.kappa_quadratic),
  };
}

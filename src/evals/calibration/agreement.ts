import { bootstrapInterval, BOOTSTRAP_DEFAULTS, type BootstrapOptions } from "../stats/bootstrap.js";
import { kendallTauB, spearman } from "../stats/correlation.js";
import type { Estimate } from "../stats/estimate.js";
import { confusionMatrix, KAPPA_WEIGHTS, kappaFromMatrix, type KappaWeights, percentAgreement } from "../stats/kappa.js";
import { type AlphaMetric, krippendorffAlpha } from "../stats/krippendorff.js";

/** An estimate with its bootstrap interval ([low, high]), or null when there is none. */
export type EstimateWithCi = Estimate & { readonly ci: readonly [number, number] | null };

export interface AgreementReport {
  /** Items both sides rated. */
  readonly n: number;
  readonly only_a: number;
  readonly only_b: number;
  readonly percent_agreement: Estimate;
  readonly kappa: Readonly<Record<KappaWeights, EstimateWithCi>>;
  readonly krippendorff_alpha: Readonly<Record<Exclude<AlphaMetric, "ratio">, Estimate>>;
  readonly spearman: Estimate;
  readonly kendall_tau_b: Estimate;
  /** Rows: side A's rating; columns: side B's. */
  readonly confusion: { readonly categories: readonly number[]; readonly counts: readonly (readonly number[])[] };
  readonly ci_level: number;
  readonly resamples: number;
}

/**
 * Agreement between two raters (or a judge and the expert consensus) over the items both rated.
 * Kappa intervals are percentile bootstraps over items, with the categories of the full sample so
 * that every resample uses the same weights.
 */
export function agreement(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>, opts: BootstrapOptions & { scale?: readonly number[] } = {}): AgreementReport {
  const ids = [...a.keys()].filter((id) => b.has(id)).sort();
  const xa = ids.map((id) => a.get(id)!);
  const xb = ids.map((id) => b.get(id)!);
  const full = confusionMatrix(xa, xb, opts.scale);
  const kappa = Object.fromEntries(
    KAPPA_WEIGHTS.map((w) => {
      const est = kappaFromMatrix(full, w);
      const ci = bootstrapInterval(ids.length, (idx) => {
        const ra: number[] = [];
        const rb: number[] = [];
        for (const i of idx) {
          ra.push(xa[i]);
          rb.push(xb[i]);
        }
        return kappaFromMatrix(confusionMatrix(ra, rb, full.categories), w).value;
      }, opts);
      return [w, { ...est, ci: est.value === null || !ci ? null : ([ci.low, ci.high] as const) }];
    }),
  ) as Record<KappaWeights, EstimateWithCi>;
  const units = ids.map((_, i) => [xa[i], xb[i]]);
  return {
    n: ids.length,
    only_a: a.size - ids.length,
    only_b: b.size - ids.length,
    percent_agreement: percentAgreement(xa, xb),
    kappa,
    krippendorff_alpha: {
      nominal: krippendorffAlpha(units, "nominal"),
      ordinal: krippendorffAlpha(units, "ordinal"),
      interval: krippendorffAlpha(units, "interval"),
    },
    spearman: spearman(xa, xb),
    kendall_tau_b: kendallTauB(xa, xb),
    confusion: full,
    ci_level: opts.level ?? BOOTSTRAP_DEFAULTS.level,
    resamples: opts.resamples ?? BOOTSTRAP_DEFAULTS.resamples,
  };
}

import type { KappaWeights } from "../stats/kappa.js";
import { type AgreementReport, agreement } from "./agreement.js";
import { type InterAnnotatorReport, interAnnotator } from "./inter-annotator.js";
import { byRater, consensus, type RatingRow } from "./ratings.js";

export const DEFAULT_MIN_KAPPA = 0.8;
export const DEFAULT_MIN_ITEMS = 30;

export interface CalibrationPolicy {
  /** Kappa the judge must reach against the expert consensus (default 0.8). */
  readonly min_kappa: number;
  /** Which kappa: quadratic by default (ordinal scales; for two categories all three are equal). */
  readonly weights: KappaWeights;
  /** Fewer paired items than this leave the judge uncalibrated, whatever the kappa. */
  readonly min_items: number;
}

export interface CalibrationRecord {
  /** The judge's metric name. */
  readonly judge: string;
  /** The judge's fingerprint (model + prompt): a calibration holds for this one only. */
  readonly fingerprint: string;
  readonly run_id: string | null;
  readonly ratings_set: string | null;
  readonly policy: CalibrationPolicy;
  readonly kappa: number | null;
  readonly kappa_ci: readonly [number, number] | null;
  readonly n: number;
  readonly calibrated: boolean;
  readonly reason: string;
  readonly agreement: AgreementReport;
  readonly inter_annotator: InterAnnotatorReport | null;
  readonly created_at: string;
}

/**
 * Judge vs experts: the judge's ratings against the experts' consensus (lower median per item),
 * plus agreement among the experts themselves — a judge cannot be expected to agree with experts
 * better than they agree with each other, and the report shows both.
 */
export function calibrateJudge(input: {
  judge: string; fingerprint: string; judgeRatings: ReadonlyMap<string, number>; experts: readonly RatingRow[];
  policy: CalibrationPolicy; runId?: string; ratingsSet?: string; seed?: number; now?: number;
}): CalibrationRecord {
  const report = agreement(input.judgeRatings, consensus(input.experts), { seed: input.seed });
  const k = report.kappa[input.policy.weights];
  const { min_kappa, min_items } = input.policy;
  let calibrated = false;
  let reason: string;
  if (k.value === null) reason = `kappa is undefined: ${k.reason}`;
  else if (report.n < min_items) reason = `only ${report.n} items rated by both judge and experts; at least ${min_items} are required`;
  else if (k.value < min_kappa) reason = `${input.policy.weights} kappa ${k.value.toFixed(3)} is below the required ${min_kappa}`;
  else {
    calibrated = true;
    reason = `${input.policy.weights} kappa ${k.value.toFixed(3)} ≥ ${min_kappa} over ${report.n} items`;
  }
  return {
    judge: input.judge, fingerprint: input.fingerprint, run_id: input.runId ?? null, ratings_set: input.ratingsSet ?? null,
    policy: input.policy, kappa: k.value, kappa_ci: k.ci, n: report.n, calibrated, reason, agreement: report,
    inter_annotator: interAnnotator(byRater(input.experts)),
    created_at: new Date(input.now ?? Date.now()).toISOString(),
  };
}

/**
 * May this judge's metric gate a release? Only with a calibration for the same fingerprint that
 * passed. Anything else — none, a stale one for another rubric, a failed one — says why not.
 */
export function gateEligibility(cal: CalibrationRecord | undefined, fingerprint: string): { eligible: boolean; reason: string } {
  if (!cal) return { eligible: false, reason: "judge never calibrated against expert ratings" };
  if (cal.fingerprint !== fingerprint) return { eligible: false, reason: "judge changed (model or rubric) since its calibration" };
  return { eligible: cal.calibrated, reason: cal.calibrated ? `calibrated: ${cal.reason}` : `uncalibrated: ${cal.reason}` };
}

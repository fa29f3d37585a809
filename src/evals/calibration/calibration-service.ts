import { z } from "zod";
import { KeelError } from "../../errors/errors.js";
import type { MetricSpec, RunStore } from "../runner/run-types.js";
import { itemScores } from "../runner/summary.js";
import type { CalibrationStore } from "./calibration-store.js";
import { type CalibrationRecord, calibrateJudge, DEFAULT_MIN_ITEMS, DEFAULT_MIN_KAPPA, gateEligibility } from "./judge-calibration.js";
import { ratingRowSchema } from "./ratings.js";

export const ratingSetName = z.string().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/);
export const putRatingsInput = z.strictObject({ ratings: z.array(ratingRowSchema).min(1).max(100_000) });
export const calibrateInput = z.strictObject({
  run_id: z.string().min(1).max(64),
  metric: z.string().min(1).max(64),
  ratings_set: ratingSetName,
  min_kappa: z.number().min(-1).max(1).default(DEFAULT_MIN_KAPPA),
  weights: z.enum(["unweighted", "linear", "quadratic"]).default("quadratic"),
  min_items: z.int().min(2).max(100_000).default(DEFAULT_MIN_ITEMS),
  seed: z.int().optional(),
});

/** Expert ratings, and judge-vs-expert calibration of the judges used in runs. */
export class CalibrationService {
  constructor(private readonly store: CalibrationStore, private readonly runs: RunStore, private readonly now: () => number = Date.now) {}

  putRatings(set: string, rows: z.output<typeof putRatingsInput>["ratings"]): { set: string; stored: number } {
    const seen = new Set<string>();
    rows.forEach((r, i) => {
      const k = `${r.rater ?? ""}\u0000${r.id}`;
      if (seen.has(k)) throw new KeelError("invalid_request", `Item "${r.id}" is rated twice by ${r.rater ?? "the same rater"} (ratings[${i}]).`, { param: `ratings[${i}]` });
      seen.add(k);
    });
    this.store.putRatings(set, rows, this.now());
    return { set, stored: rows.length };
  }

  ratings(set: string): z.output<typeof putRatingsInput>["ratings"] {
    const rows = this.store.ratings(set);
    if (rows.length === 0) throw new KeelError("not_found", `No ratings in set "${set.slice(0, 64)}".`, { param: "set" });
    return rows;
  }

  ratingSets(): ReturnType<CalibrationStore["ratingSets"]> {
    return this.store.ratingSets();
  }

  /** Compares a run's judge ratings for `metric` with an expert rating set and records the outcome. */
  calibrate(input: z.output<typeof calibrateInput>): CalibrationRecord {
    const run = this.runs.getRun(input.run_id);
    if (!run) throw new KeelError("not_found", `No eval run with id "${input.run_id}".`, { param: "run_id" });
    const spec = run.config.metrics.find((m) => m.name === input.metric);
    if (!spec) throw new KeelError("invalid_request", `Run ${run.id} has no metric "${input.metric}".`, { param: "metric" });
    if (!spec.fingerprint) throw new KeelError("invalid_request", `Metric "${input.metric}" is not a judge; only judges are calibrated.`, { param: "metric" });
    const judgeRatings = new Map([...itemScores(this.runs.results(run.id), spec)].map(([id, s]) => [id, s.rating ?? s.mean]));
    const rec = calibrateJudge({
      judge: spec.name, fingerprint: spec.fingerprint, judgeRatings, experts: this.ratings(input.ratings_set),
      policy: { min_kappa: input.min_kappa, weights: input.weights, min_items: input.min_items },
      runId: run.id, ratingsSet: input.ratings_set, seed: input.seed, now: this.now(),
    });
    this.store.saveCalibration(rec);
    return rec;
  }

  calibrations(o: { judge?: string; limit: number }): CalibrationRecord[] {
    return this.store.calibrations(o);
  }

  /** The latest calibration of this exact judge decides; without one, say whether the judge changed. */
  eligibility(m: MetricSpec): { eligible: boolean; reason: string } {
    if (!m.fingerprint) return { eligible: true, reason: "not a judge" };
    const [same] = this.store.calibrations({ fingerprint: m.fingerprint, limit: 1 });
    if (same) return gateEligibility(same, m.fingerprint);
    const [byName] = this.store.calibrations({ judge: m.name, limit: 1 });
    return gateEligibility(byName, m.fingerprint);
  }
}

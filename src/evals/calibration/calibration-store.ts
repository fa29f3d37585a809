import type { CalibrationRecord } from "./judge-calibration.js";
import type { RatingRow } from "./ratings.js";

/** Expert rating sets and judge calibrations. */
export interface CalibrationStore {
  /** Replaces the set's ratings by the same raters for the same items. */
  putRatings(set: string, rows: readonly RatingRow[], at: number): void;
  ratings(set: string): RatingRow[];
  ratingSets(): { set: string; ratings: number; raters: number; items: number }[];
  saveCalibration(c: CalibrationRecord): void;
  /** Newest first. */
  calibrations(o: { judge?: string; fingerprint?: string; limit: number }): CalibrationRecord[];
}

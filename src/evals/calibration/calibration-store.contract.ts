import { test } from "node:test";
import assert from "node:assert/strict";
import type { CalibrationStore } from "./calibration-store.js";
import type { CalibrationRecord } from "./judge-calibration.js";

const calibration = (judge: string, fingerprint: string, createdAt: number, calibrated = true): CalibrationRecord =>
  ({
    judge, fingerprint, run_id: "run_1", ratings_set: "experts", policy: { min_kappa: 0.6 }, kappa: 0.72, kappa_ci: [0.6, 0.8], n: 40,
    calibrated, reason: calibrated ? "kappa 0.72 ≥ 0.6" : "too few", agreement: { exact: 0.8 }, inter_annotator: null, created_at: new Date(createdAt).toISOString(),
  }) as unknown as CalibrationRecord;

/** The `CalibrationStore` contract (`sqlite-calibration-store.test.ts`); every call is awaited. */
export function calibrationStoreContract(label: string, make: () => CalibrationStore | Promise<CalibrationStore>): void {
  test(`${label}: ratings are kept per set, rater and item; a rater rating an item again replaces it`, async () => {
    const s = await make();
    await s.putRatings("experts", [{ id: "b", score: 3, rater: "ana" }, { id: "a", score: 4, rater: "ana" }, { id: "a", score: 2 }], 1);
    await s.putRatings("experts", [{ id: "a", score: 5, rater: "ana" }], 2);
    await s.putRatings("other", [{ id: "z", score: 1 }], 3);
    assert.deepEqual(await s.ratings("experts"), [{ id: "a", rater: "ana", score: 5 }, { id: "b", rater: "ana", score: 3 }, { id: "a", rater: "default", score: 2 }], "by rater, then item; no rater is the default one");
    assert.deepEqual(await s.ratings("none"), []);
    assert.deepEqual(await s.ratingSets(), [{ set: "experts", ratings: 3, raters: 2, items: 2 }, { set: "other", ratings: 1, raters: 1, items: 1 }]);
  });

  test(`${label}: within one upload a later rating of the same item by the same rater wins`, async () => {
    const s = await make();
    await s.putRatings("experts", [{ id: "a", score: 1, rater: "ana" }, { id: "a", score: 2 }, { id: "a", score: 4, rater: "ana" }], 1);
    assert.deepEqual(await s.ratings("experts"), [{ id: "a", rater: "ana", score: 4 }, { id: "a", rater: "default", score: 2 }]);
    await s.putRatings("experts", [], 2);
    assert.equal((await s.ratings("experts")).length, 2, "an empty upload changes nothing");
  });

  test(`${label}: calibrations list newest saved first, by judge and fingerprint, bounded by the limit`, async () => {
    const s = await make();
    await s.saveCalibration(calibration("faithfulness", "fp1", 1000));
    await s.saveCalibration(calibration("relevance", "fp1", 2000));
    await s.saveCalibration(calibration("faithfulness", "fp2", 3000, false));
    await s.saveCalibration(calibration("faithfulness", "fp1", 500));
    assert.deepEqual((await s.calibrations({ limit: 10 })).map((c) => `${c.judge}/${c.fingerprint}@${c.created_at.slice(17, 23)}`), [
      "faithfulness/fp1@00.500", "faithfulness/fp2@03.000", "relevance/fp1@02.000", "faithfulness/fp1@01.000",
    ], "newest saved, not newest created_at");
    assert.deepEqual(await s.calibrations({ judge: "faithfulness", fingerprint: "fp2", limit: 10 }), [calibration("faithfulness", "fp2", 3000, false)]);
    assert.equal((await s.calibrations({ judge: "faithfulness", limit: 2 })).length, 2);
    assert.deepEqual(await s.calibrations({ judge: "none", limit: 10 }), []);
  });
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { agreement } from "./agreement.js";
import { interAnnotator } from "./inter-annotator.js";
import { calibrateJudge, gateEligibility } from "./judge-calibration.js";
import { byRater, consensus, parseRatingsJsonl } from "./ratings.js";

const policy = { min_kappa: 0.8, weights: "quadratic" as const, min_items: 4 };

test("rating files: rows {id, score, rater?}; errors name the line; a rater rates an item once", () => {
  const rows = parseRatingsJsonl('{"id":"a","score":3}\n\n{"id":2,"score":4,"rater":"ann","note":"x"}\n', "r.jsonl");
  assert.deepEqual(rows, [{ id: "a", score: 3 }, { id: "2", score: 4, rater: "ann" }]);
  assert.throws(() => parseRatingsJsonl('{"id":"a","score":"high"}', "r.jsonl"), /r\.jsonl:1: score/);
  assert.throws(() => parseRatingsJsonl('{"id":"a","score":1}\n{"id":"a","score":2}', "r.jsonl"), /r\.jsonl:2: item "a" is rated twice/);
  assert.throws(() => parseRatingsJsonl("{nope", "r.jsonl"), /r\.jsonl:1: not JSON/);
});

test("consensus is the lower median; byRater groups", () => {
  const rows = [{ id: "x", score: 3, rater: "a" }, { id: "x", score: 4, rater: "b" }, { id: "x", score: 5, rater: "c" }, { id: "y", score: 2, rater: "a" }, { id: "y", score: 5, rater: "b" }];
  assert.deepEqual([...consensus(rows)], [["x", 4], ["y", 2]]);
  assert.deepEqual([...byRater(rows).keys()], ["a", "b", "c"]);
});

test("agreement report: Wikipedia's κ = 0.4 example with a bootstrap interval around it; only-one-side items counted", () => {
  const a = new Map<string, number>();
  const b = new Map<string, number>();
  let i = 0;
  for (const [ra, rb, n] of [[1, 1, 20], [1, 0, 5], [0, 1, 10], [0, 0, 15]] as const) {
    for (let k = 0; k < n; k++, i++) {
      a.set(`i${i}`, ra);
      b.set(`i${i}`, rb);
    }
  }
  a.set("lonely", 1);
  const r = agreement(a, b, { seed: 3 });
  assert.equal(r.n, 50);
  assert.equal(r.only_a, 1);
  assert.ok(Math.abs(r.kappa.unweighted.value! - 0.4) < 1e-12);
  const [lo, hi] = r.kappa.unweighted.ci!;
  assert.ok(lo < 0.4 && 0.4 < hi && lo > 0 && hi < 0.75, `${lo}..${hi}`);
  assert.deepEqual(r.confusion.counts, [[15, 10], [5, 20]]);
  assert.deepEqual(agreement(a, b, { seed: 3 }), r, "seeded: reproducible");
});

test("inter-annotator agreement over three experts with a missing rating", () => {
  const raters = new Map([
    ["ann", new Map([["1", 1], ["2", 2], ["3", 3], ["4", 3]])],
    ["bob", new Map([["1", 1], ["2", 2], ["3", 3], ["4", 2]])],
    ["cy", new Map([["1", 1], ["2", 2], ["3", 3]])],
  ]);
  const r = interAnnotator(raters)!;
  assert.deepEqual(r.raters, ["ann", "bob", "cy"]);
  assert.equal(r.items, 4);
  assert.equal(r.pairs.length, 3);
  assert.equal(r.pairs.find((p) => p.a === "ann" && p.b === "cy")!.kappa.value, 1);
  assert.ok(r.mean_pairwise_kappa.value! < 1 && r.krippendorff_alpha.nominal.value! < 1);
  assert.equal(interAnnotator(new Map([["solo", new Map([["1", 1]])]])), null);
});

test("a judge agreeing with the experts is calibrated; one below the kappa bar is not, and cannot gate", () => {
  const experts = ["1", "2", "3", "4", "5", "6"].flatMap((id, i) => [
    { id, score: (i % 5) + 1, rater: "ann" },
    { id, score: (i % 5) + 1, rater: "bob" },
  ]);
  const good = calibrateJudge({ judge: "helpful", fingerprint: "f1", judgeRatings: new Map(experts.filter((e) => e.rater === "ann").map((e) => [e.id, e.score])), experts, policy });
  assert.equal(good.calibrated, true);
  assert.equal(good.kappa, 1);
  assert.deepEqual(gateEligibility(good, "f1").eligible, true);
  assert.match(gateEligibility(good, "f2").reason, /changed .* since its calibration/);
  const bad = calibrateJudge({ judge: "helpful", fingerprint: "f1", judgeRatings: new Map(["1", "2", "3", "4", "5", "6"].map((id) => [id, 3])), experts, policy });
  assert.equal(bad.calibrated, false);
  assert.match(bad.reason, /kappa .* below the required 0.8|kappa is undefined/);
  assert.equal(gateEligibility(bad, "f1").eligible, false);
  assert.equal(gateEligibility(undefined, "f1").eligible, false);
  const few = calibrateJudge({ judge: "h", fingerprint: "f", judgeRatings: new Map([["1", 1], ["2", 2]]), experts, policy });
  assert.match(few.reason, /only 2 items/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { cohensKappa, confusionMatrix, kappaFromMatrix, percentAgreement } from "./kappa.js";

const near = (got: number | null, want: number, digits = 4): void => {
  assert.ok(got !== null, "defined");
  assert.ok(Math.abs(got - want) < 0.5 * 10 ** -digits, `${got} ≉ ${want} to ${digits} digits`);
};

/** Expands a 2×2 or k×k table (rows A, columns B) into paired ratings 1..k. */
function fromTable(t: number[][]): { a: number[]; b: number[] } {
  const a: number[] = [];
  const b: number[] = [];
  t.forEach((row, i) => row.forEach((n, j) => {
    for (let x = 0; x < n; x++) {
      a.push(i + 1);
      b.push(j + 1);
    }
  }));
  return { a, b };
}

test("Wikipedia, 'Cohen's kappa', simple example: 50 grant proposals → p_o 0.7, p_e 0.5, κ = 0.4", () => {
  // Source: https://en.wikipedia.org/wiki/Cohen%27s_kappa#Simple_example — both yes 20, A yes/B no 5,
  // A no/B yes 10, both no 15.
  const { a, b } = fromTable([[20, 5], [10, 15]]);
  near(percentAgreement(a, b).value, 0.7);
  near(cohensKappa(a, b).value, 0.4, 10);
});

test("Wikipedia, 'Cohen's kappa', same percentages but different numbers: κ = 0.1304 and 0.2593", () => {
  // Source: https://en.wikipedia.org/wiki/Cohen%27s_kappa#Same_percentages_but_different_numbers
  near(cohensKappa(...Object.values(fromTable([[45, 15], [25, 15]])) as [number[], number[]]).value, 0.1304);
  near(cohensKappa(...Object.values(fromTable([[25, 35], [5, 35]])) as [number[], number[]]).value, 0.2593);
});

test("Stata manual [R] kappa, radiologists rating 85 xeromammograms: κ = 0.4728, linear-weighted κ = 0.5684", () => {
  // Source: StataCorp, Stata Base Reference Manual, "kappa — Interrater agreement", Example 2
  // (data from Boyd et al. 1982, also in Altman 1991 Table 14.4): `kap rada radb` 0.4728 and
  // `kap rada radb, wgt(w)` 0.5684; Stata's w weights are 1 − |i − j|/(k − 1), our linear weights.
  const m = { categories: [1, 2, 3, 4], counts: [[21, 12, 0, 0], [4, 17, 1, 0], [3, 9, 15, 2], [0, 0, 0, 1]] };
  near(kappaFromMatrix(m, "unweighted").value, 0.4728);
  near(kappaFromMatrix(m, "linear").value, 0.5684);
});

test("Maple EssayTools QuadraticWeightedKappa help page examples: 0.758620689655172 and 0.438095238095238", () => {
  // Source: Maple help, EssayTools[QuadraticWeightedKappa], Examples (min and max taken from the data).
  near(cohensKappa([9, 7, 8, 7, 6, 8, 3, 5, 10], [8, 8, 6, 6, 7, 6, 1, 4, 8], "quadratic").value, 0.758620689655172, 12);
  near(cohensKappa([9, 7, 8, 7, 6, 8, 3, 5, 10], [3, 5, 6, 6, 7, 6, 1, 4, 8], "quadratic").value, 0.438095238095238, 12);
});

test("with two categories linear and quadratic weights reduce to unweighted kappa", () => {
  const { a, b } = fromTable([[20, 5], [10, 15]]);
  near(cohensKappa(a, b, "linear").value, 0.4, 12);
  near(cohensKappa(a, b, "quadratic").value, 0.4, 12);
});

test("undefined, with a reason, when both raters used one single category", () => {
  const r = cohensKappa([3, 3, 3], [3, 3, 3]);
  assert.equal(r.value, null);
  assert.match(r.reason!, /expected disagreement is 0/);
  assert.equal(cohensKappa([], []).value, null);
  assert.equal(cohensKappa([1, 2], [1, 2]).value, 1);
});

test("the confusion matrix lists every category, including unused scale points", () => {
  const m = confusionMatrix([1, 2, 2], [1, 2, 3], [1, 2, 3, 4, 5]);
  assert.deepEqual(m.categories, [1, 2, 3, 4, 5]);
  assert.deepEqual(m.counts[1], [0, 1, 1, 0, 0]);
  near(kappaFromMatrix(m, "quadratic").value, cohensKappa([1, 2, 2], [1, 2, 3], "quadratic").value!, 12);
});

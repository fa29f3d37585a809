import { test } from "node:test";
import assert from "node:assert/strict";
import { krippendorffAlpha } from "./krippendorff.js";

const near = (got: number | null, want: number): void => {
  assert.ok(got !== null && Math.abs(got - want) < 0.0005, `${got} ≉ ${want}`);
};

// Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011, Annenberg School for
// Communication Departmental Papers 43), section C: four observers, twelve units, missing values.
// Rows are observers A–D, columns units 1–12; null is a missing value. The same data ship as the
// "C" example of R's irr::kripp.alpha / DescTools::KrippAlpha.
const C_DATA: (number | null)[][] = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
  [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
];
const units = C_DATA[0].map((_, u) => C_DATA.map((row) => row[u]));

test("Krippendorff (2011) §C worked example: α nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797", () => {
  near(krippendorffAlpha(units, "nominal").value, 0.743);
  near(krippendorffAlpha(units, "ordinal").value, 0.815);
  near(krippendorffAlpha(units, "interval").value, 0.849);
  near(krippendorffAlpha(units, "ratio").value, 0.797);
});

test("Krippendorff (2011) §A worked example: binary data, two observers, α = 0.095", () => {
  const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
  const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
  near(krippendorffAlpha(a.map((x, i) => [x, b[i]]), "nominal").value, 0.095);
});

test("units rated once are not pairable; no variation is undefined, not 1", () => {
  assert.equal(krippendorffAlpha([[1, null], [null, 2]], "nominal").value, null);
  const flat = krippendorffAlpha([[2, 2], [2, 2, 2]], "interval");
  assert.equal(flat.value, null);
  assert.match(flat.reason!, /no variation/);
  assert.equal(krippendorffAlpha([[1, 1], [2, 2], [3, 3]], "ordinal").value, 1);
});

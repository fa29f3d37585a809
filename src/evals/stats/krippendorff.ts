import { defined, type Estimate, undefinedBecause } from "./estimate.js";

export type AlphaMetric = "nominal" | "ordinal" | "interval" | "ratio";

/**
 * Krippendorff's alpha for any number of raters with missing values, following Krippendorff,
 * "Computing Krippendorff's Alpha-Reliability" (2011):
 *
 *   o_ck = Σ_u (number of c–k pairs of values in unit u) / (m_u − 1)     (coincidences, m_u ≥ 2)
 *   n_c  = Σ_k o_ck,  n = Σ_c n_c
 *   D_o  = Σ_c Σ_k o_ck δ²_ck / n
 *   D_e  = Σ_c Σ_k n_c n_k δ²_ck / (n (n − 1))
 *   α    = 1 − D_o / D_e
 *
 * `units[u]` holds the values the raters gave unit u; null is a missing rating. Units with fewer
 * than two values are not pairable and are ignored, as the definition requires.
 */
export function krippendorffAlpha(units: readonly (readonly (number | null)[])[], metric: AlphaMetric): Estimate {
  const values = new Map<number, number>(); // value → index
  const pairable: number[][] = [];
  for (const u of units) {
    const vs = u.filter((v): v is number => v !== null && v !== undefined);
    if (vs.length < 2) continue;
    pairable.push(vs);
    for (const v of vs) if (!values.has(v)) values.set(v, 0);
  }
  if (pairable.length === 0) return undefinedBecause("no unit was rated by two or more raters");
  const cats = [...values.keys()].sort((x, y) => x - y);
  cats.forEach((c, i) => values.set(c, i));
  const k = cats.length;
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const vs of pairable) {
    const w = 1 / (vs.length - 1);
    for (let i = 0; i < vs.length; i++) {
      for (let j = 0; j < vs.length; j++) {
        if (i !== j) o[values.get(vs[i])!][values.get(vs[j])!] += w;
      }
    }
  }
  const nc = o.map((row) => row.reduce((s, x) => s + x, 0));
  const n = nc.reduce((s, x) => s + x, 0);
  const delta = differenceFunction(metric, cats, nc);
  let dObs = 0;
  let dExp = 0;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < k; j++) {
      const d = delta(c, j);
      if (d === 0) continue;
      dObs += o[c][j] * d;
      dExp += nc[c] * nc[j] * d;
    }
  }
  dObs /= n;
  dExp /= n * (n - 1);
  if (dExp === 0) return undefinedBecause("no variation: every pairable value is the same");
  return defined(1 - dObs / dExp);
}

/** δ²_ck for the level of measurement (Krippendorff 2011, section "Difference functions"). */
function differenceFunction(metric: AlphaMetric, cats: readonly number[], nc: readonly number[]): (c: number, k: number) => number {
  switch (metric) {
    case "nominal":
      return (c, k) => (c === k ? 0 : 1);
    case "interval":
      return (c, k) => (cats[c] - cats[k]) ** 2;
    case "ratio":
      return (c, k) => (cats[c] + cats[k] === 0 ? 0 : ((cats[c] - cats[k]) / (cats[c] + cats[k])) ** 2);
    case "ordinal": {
      // (Σ_{g=c..k} n_g − (n_c + n_k)/2)², over ranks of the values actually used
      const cum = [0];
      for (const x of nc) cum.push(cum[cum.length - 1] + x);
      return (c, k) => {
        if (c === k) return 0;
        const lo = Math.min(c, k);
        const hi = Math.max(c, k);
        return (cum[hi + 1] - cum[lo] - (nc[c] + nc[k]) / 2) ** 2;
      };
    }
  }
}

/**
 * Logistic regression for sparse vectors: full-batch gradient descent with AdaGrad step sizes and
 * L2 regularisation. Full-batch means no shuffling, so a run is deterministic given its rows.
 * Training-time only; run time needs just the dot product in src/guard/injection/classifier.ts.
 */
import type { SparseVector } from "../../src/guard/injection/features.js";
import { sigmoid } from "../../src/guard/injection/classifier.js";

export interface TrainOptions {
  dim: number;
  epochs: number;
  l2: number;
  rate: number;
  /** Weight per row (class balancing). */
  rowWeights: number[];
}

export function trainLogistic(xs: readonly SparseVector[], ys: readonly (0 | 1)[], o: TrainOptions): Float64Array {
  const w = new Float64Array(o.dim);
  const g = new Float64Array(o.dim);
  const g2 = new Float64Array(o.dim).fill(1e-8);
  const totalWeight = o.rowWeights.reduce((a, b) => a + b, 0);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    g.fill(0);
    for (let r = 0; r < xs.length; r++) {
      const x = xs[r];
      let z = 0;
      for (let i = 0; i < x.idx.length; i++) z += w[x.idx[i]] * x.val[i];
      const err = (sigmoid(z) - ys[r]) * (o.rowWeights[r] / totalWeight);
      for (let i = 0; i < x.idx.length; i++) g[x.idx[i]] += err * x.val[i];
    }
    for (let j = 0; j < o.dim; j++) {
      const grad = g[j] + o.l2 * w[j];
      if (grad === 0) continue;
      g2[j] += grad * grad;
      w[j] -= (o.rate * grad) / Math.sqrt(g2[j]);
    }
  }
  return w;
}

/** Weights that balance the two classes: each class carries half the total. */
export function balancedWeights(ys: readonly (0 | 1)[]): number[] {
  const pos = ys.filter((y) => y === 1).length;
  const neg = ys.length - pos;
  return ys.map((y) => (y === 1 ? ys.length / (2 * Math.max(1, pos)) : ys.length / (2 * Math.max(1, neg))));
}

/**
 * A one-hidden-layer perceptron for the injection classifier's sparse vectors (features.ts), trained
 * the way logistic.ts trains the linear model: full batch, AdaGrad step sizes, L2, class-balanced
 * row weights. Full batch and a seeded initialisation make a run deterministic given its rows.
 *
 *   p = sigmoid(b2 + Σ_k w2[k] · relu(b1[k] + Σ_j W1[j,k] · x[j]))
 *
 * Initialisation (`hashedInit`): "zero" starts the hashed rows of W1 at zero, with only the dense
 * rows, b1 and w2 random — the hidden units then differ only through the dense features, which is
 * too little to break their symmetry on rows whose dense features agree (it cannot learn XOR over two
 * hashed features: mlp-xor check in decision 0033). "random" (the default) starts every row random
 * and, after training, zeroes the rows no training vector touched: they never got a data gradient,
 * and an n-gram first seen at run time should add nothing rather than random noise.
 * Training-time only; the forward pass is all run time needs.
 */
import type { SparseVector } from "../../src/guard/injection/features.js";
import { sigmoid } from "../../src/guard/injection/classifier.js";
import { seededRandom } from "../../src/random/seeded-random.js";

export interface MlpOptions {
  dim: number;
  /** Index of the first dense (non-hashed) feature; rows from here on are initialised randomly. */
  denseFrom: number;
  hidden: number;
  epochs: number;
  l2: number;
  rate: number;
  rowWeights: number[];
  seed?: number;
  hashedInit?: "zero" | "random";
}

export interface MlpWeights {
  hidden: number;
  dim: number;
  /** dim × hidden, row-major by input feature: W1[j * hidden + k]. */
  w1: Float32Array;
  b1: Float32Array;
  w2: Float32Array;
  b2: number;
}


/** Pre-activations of the hidden layer into `a` (length hidden). */
export function hiddenInto(m: MlpWeights, x: SparseVector, a: Float32Array | Float64Array): void {
  const H = m.hidden;
  for (let k = 0; k < H; k++) a[k] = m.b1[k];
  for (let i = 0; i < x.idx.length; i++) {
    const base = x.idx[i] * H;
    const v = x.val[i];
    for (let k = 0; k < H; k++) a[k] += m.w1[base + k] * v;
  }
}

export function mlpLogit(m: MlpWeights, x: SparseVector, scratch: Float64Array = new Float64Array(m.hidden)): number {
  hiddenInto(m, x, scratch);
  let z = m.b2;
  for (let k = 0; k < m.hidden; k++) if (scratch[k] > 0) z += m.w2[k] * scratch[k];
  return z;
}

export function mlpScore(m: MlpWeights, x: SparseVector, scratch?: Float64Array): number {
  return sigmoid(mlpLogit(m, x, scratch));
}

export function trainMlp(xs: readonly SparseVector[], ys: readonly (0 | 1)[], o: MlpOptions): MlpWeights {
  const H = o.hidden;
  const rand = seededRandom(o.seed ?? 14);
  const m: MlpWeights = { hidden: H, dim: o.dim, w1: new Float32Array(o.dim * H), b1: new Float32Array(H), w2: new Float32Array(H), b2: 0 };
  const scale = Math.sqrt(2 / (o.dim - o.denseFrom));
  for (let j = o.denseFrom; j < o.dim; j++) for (let k = 0; k < H; k++) m.w1[j * H + k] = (rand() * 2 - 1) * scale;
  // Hashed groups are L2-unit vectors (two of them), so a uniform ±0.5 row gives pre-activations of
  // standard deviation ~0.4 whatever the text's length.
  if ((o.hashedInit ?? "random") === "random") for (let p = 0; p < o.denseFrom * H; p++) m.w1[p] = rand() - 0.5;
  // A small positive bias keeps every unit active at the start (a dead ReLU gets no gradient).
  for (let k = 0; k < H; k++) m.b1[k] = 0.1;
  for (let k = 0; k < H; k++) m.w2[k] = (rand() * 2 - 1) * Math.sqrt(6 / H);

  const g1 = new Float32Array(o.dim * H);
  const s1 = new Float32Array(o.dim * H).fill(1e-8);
  const gb1 = new Float64Array(H);
  const sb1 = new Float64Array(H).fill(1e-8);
  const gw2 = new Float64Array(H);
  const sw2 = new Float64Array(H).fill(1e-8);
  let sb2 = 1e-8;
  // Only rows some training vector touches can have a data gradient; the others stay as they are.
  const touched = new Uint8Array(o.dim);
  for (const x of xs) for (const j of x.idx) touched[j] = 1;
  const active: number[] = [];
  for (let j = 0; j < o.dim; j++) if (touched[j]) active.push(j);

  const totalWeight = o.rowWeights.reduce((a, b) => a + b, 0);
  const a = new Float64Array(H);
  const dh = new Float64Array(H);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (const j of active) g1.fill(0, j * H, j * H + H);
    gb1.fill(0);
    gw2.fill(0);
    let gb2 = 0;
    for (let r = 0; r < xs.length; r++) {
      const x = xs[r];
      hiddenInto(m, x, a);
      let z = m.b2;
      for (let k = 0; k < H; k++) if (a[k] > 0) z += m.w2[k] * a[k];
      const err = (sigmoid(z) - ys[r]) * (o.rowWeights[r] / totalWeight);
      gb2 += err;
      for (let k = 0; k < H; k++) {
        if (a[k] > 0) {
          gw2[k] += err * a[k];
          dh[k] = err * m.w2[k];
        } else dh[k] = 0;
        gb1[k] += dh[k];
      }
      for (let i = 0; i < x.idx.length; i++) {
        const base = x.idx[i] * H;
        const v = x.val[i];
        for (let k = 0; k < H; k++) g1[base + k] += dh[k] * v;
      }
    }
    for (const j of active) {
      const base = j * H;
      for (let k = 0; k < H; k++) {
        const p = base + k;
        const grad = g1[p] + o.l2 * m.w1[p];
        if (grad === 0) continue;
        s1[p] += grad * grad;
        m.w1[p] -= (o.rate * grad) / Math.sqrt(s1[p]);
      }
    }
    for (let k = 0; k < H; k++) {
      const gb = gb1[k];
      if (gb !== 0) {
        sb1[k] += gb * gb;
        m.b1[k] -= (o.rate * gb) / Math.sqrt(sb1[k]);
      }
      const gw = gw2[k] + o.l2 * m.w2[k];
      if (gw !== 0) {
        sw2[k] += gw * gw;
        m.w2[k] -= (o.rate * gw) / Math.sqrt(sw2[k]);
      }
    }
    if (gb2 !== 0) {
      sb2 += gb2 * gb2;
      m.b2 -= (o.rate * gb2) / Math.sqrt(sb2);
    }
  }
  for (let j = 0; j < o.dim; j++) if (!touched[j]) m.w1.fill(0, j * H, j * H + H);
  return m;
}

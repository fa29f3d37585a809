import { Rng } from "../random/rng.js";

/**
 * Unit vectors of `d` dimensions from a seeded generator (Gaussian by Box–Muller, normalised):
 * isotropic data for the index contract suite and bench/knowledge.ts, reproducible by seed.
 */
export function randomUnitVectors(n: number, d: number, seed: number): Float32Array[] {
  const r = new Rng(seed);
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(d);
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const g = Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
      v[j] = g;
      norm += g * g;
    }
    norm = Math.sqrt(norm);
    for (let j = 0; j < d; j++) v[j] /= norm;
    out.push(v);
  }
  return out;
}

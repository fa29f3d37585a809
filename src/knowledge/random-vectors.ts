import { Rng } from "../random/rng.js";

function gaussian(r: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
}

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (let j = 0; j < v.length; j++) norm += v[j] * v[j];
  norm = Math.sqrt(norm);
  for (let j = 0; j < v.length; j++) v[j] /= norm;
  return v;
}

/**
 * Unit vectors of `d` dimensions from a seeded generator (Gaussian by Box–Muller, normalised):
 * isotropic data for the index contract suite and bench/knowledge.ts, reproducible by seed. The
 * worst case for a graph index: every one of the `d` dimensions carries as much variance as any other.
 */
export function randomUnitVectors(n: number, d: number, seed: number): Float32Array[] {
  const r = new Rng(seed);
  const out: Float32Array[] = [];
  for (let i = 0; i < n; i++) {
    const v = new Float32Array(d);
    for (let j = 0; j < d; j++) v[j] = gaussian(r);
    out.push(normalise(v));
  }
  return out;
}

/** The shape of `ClusteredSpace`'s data; the defaults match USE-lite's statistics (below). */
export interface ClusteredSpaceOptions {
  /** Latent dimensions the topics live in. */
  latent?: number;
  /** Topic centres in the latent space. */
  topics?: number;
  /** Spread of a vector around its topic centre, in latent units (centres are N(0, 1)). */
  spread?: number;
  /** Isotropic noise added in the full space, per dimension. */
  noise?: number;
  /** Length, per dimension, of a direction every vector shares (real embeddings have one). */
  offset?: number;
}

/**
 * Embedding-like unit vectors: topics in a low-dimensional latent space, projected to `d`
 * dimensions by one fixed random matrix, plus a shared offset and a little isotropic noise.
 * Defaults were fitted to 6,289 USE-lite embeddings of short English sentences (the cache's
 * labelled pairs and the retrieval queries): their covariance has a participation ratio
 * ((Σλ)² / Σλ², the "effective dimensions") of 52.4 and their mean vector a norm of 0.37; these
 * defaults give 53.3 and 0.40 (bench/README.md). Random unit vectors give ≈ 470. The space (matrix,
 * centres, offset) comes from `worldSeed`; `sample` draws from it with its own seed, so data and
 * queries share topics without being the same vectors.
 */
export class ClusteredSpace {
  private readonly projection: Float64Array;
  private readonly centres: Float64Array[];
  private readonly shift: Float64Array;
  private readonly o: Required<ClusteredSpaceOptions>;

  constructor(readonly dimensions: number, worldSeed: number, opts: ClusteredSpaceOptions = {}) {
    this.o = { latent: 64, topics: 500, spread: 0.5, noise: 0.3, offset: 4, ...opts };
    const w = new Rng(worldSeed);
    const { latent, topics, offset } = this.o;
    this.projection = Float64Array.from({ length: dimensions * latent }, () => gaussian(w));
    this.centres = Array.from({ length: topics }, () => Float64Array.from({ length: latent }, () => gaussian(w)));
    this.shift = Float64Array.from({ length: dimensions }, () => gaussian(w) * offset);
  }

  sample(n: number, seed: number): Float32Array[] {
    const r = new Rng(seed);
    const { latent, topics, spread, noise } = this.o;
    const d = this.dimensions;
    const z = new Float64Array(latent);
    const out: Float32Array[] = [];
    for (let i = 0; i < n; i++) {
      const c = this.centres[r.int(topics)];
      for (let l = 0; l < latent; l++) z[l] = c[l] + spread * gaussian(r);
      const v = new Float32Array(d);
      for (let j = 0; j < d; j++) {
        let s = this.shift[j] + noise * gaussian(r);
        const o = j * latent;
        for (let l = 0; l < latent; l++) s += this.projection[o + l] * z[l];
        v[j] = s;
      }
      out.push(normalise(v));
    }
    return out;
  }
}

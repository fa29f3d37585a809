/**
 * mulberry32: a tiny seeded PRNG with one 32-bit word of state. Anything that must come out the same
 * on every machine and every re-run (bootstrap intervals, cross-validation folds, synthetic rows)
 * draws from it.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

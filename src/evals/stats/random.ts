/**
 * A seeded PRNG (mulberry32): bootstrap resamples must be reproducible, so that the same two runs
 * compared twice give the same confidence interval and a CI gate never flaps on a re-run.
 */
export { type Random, seededRandom } from "../../random/seeded-random.js";


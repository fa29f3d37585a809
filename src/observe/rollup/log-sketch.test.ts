import assert from "node:assert/strict";
import { test } from "node:test";
import { seededRandom } from "../../random/seeded-random.js";
import { percentiles } from "../summary/percentile.js";
import { ALPHA, LogSketch, MIN_VALUE } from "./log-sketch.js";

const QS = [0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

function lognormal(rand: () => number, mu: number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.exp(mu + sigma * z);
}

const distributions: Record<string, (r: () => number) => number> = {
  "lognormal latency (ms)": (r) => lognormal(r, 6, 1.2),
  "uniform 0–5 s": (r) => r() * 5000,
  "bimodal: cache hits and misses": (r) => (r() < 0.3 ? 2 + r() : 800 + r() * 400),
  "heavy tail with ties": (r) => Math.round(10 / (1 - r() * 0.999)),
  "sub-millisecond and zeros": (r) => (r() < 0.1 ? 0 : r() * 2),
};

test("percentiles stay within the relative error bound α of the exact ones on random data", () => {
  for (const [name, draw] of Object.entries(distributions)) {
    for (const [seed, n] of [[1, 1], [2, 7], [3, 1000], [4, 20_000]] as const) {
      const rand = seededRandom(seed * 7919);
      const values = Float64Array.from({ length: n }, () => draw(rand));
      const sketch = new LogSketch();
      for (const v of values) sketch.add(v);
      const exact = percentiles(values.slice(), QS);
      const est = sketch.quantiles(QS);
      QS.forEach((q, k) => {
        const e = exact[k]!;
        const err = Math.abs(est[k]! - e);
        // Relative for values above the zero bucket; absolute MIN_VALUE below it.
        assert.ok(err <= ALPHA * e + MIN_VALUE + 1e-9, `${name}, n=${n}, q=${q}: sketch ${est[k]} vs exact ${e}`);
      });
    }
  }
});

test("merged sketches equal the sketch of all samples, and survive encoding", () => {
  const rand = seededRandom(42);
  const all = new LogSketch();
  const parts = Array.from({ length: 5 }, () => new LogSketch());
  for (let i = 0; i < 5000; i++) {
    const v = i % 50 === 0 ? 0 : lognormal(rand, 4, 2);
    all.add(v);
    parts[i % 5].add(v);
  }
  const merged = new LogSketch();
  for (const p of parts) LogSketch.decode(p.encode(), merged);
  assert.equal(merged.count, 5000);
  assert.equal(merged.zeros, all.zeros);
  assert.deepEqual(merged.encode(), all.encode());
  assert.deepEqual(merged.quantiles(QS), all.quantiles(QS));
});

test("empty and negative bucket indices round-trip; an empty sketch has no percentiles", () => {
  const s = new LogSketch();
  assert.deepEqual(s.quantiles([0.5]), [null]);
  assert.equal(LogSketch.decode(s.encode()).count, 0);
  for (const v of [0.002, 0.5, 1, 3, 1e6]) s.add(v, 3);
  const back = LogSketch.decode(s.encode());
  assert.deepEqual(back.buckets(), s.buckets());
  assert.equal(s.buckets().length, 5);
  assert.throws(() => LogSketch.decode(Uint8Array.from([0, 2, 0x80])), RangeError);
});

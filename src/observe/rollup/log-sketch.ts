/**
 * A mergeable quantile sketch with relative accuracy (DDSketch's log-bucket mapping, without its
 * bucket collapsing: latencies span few enough decades that every bucket fits).
 *
 * A positive value v lands in bucket i = ceil(log_γ v), γ = (1 + α) / (1 − α), and is read back as
 * 2γ^i / (γ + 1): within relative error α of every value in the bucket. Quantiles interpolate
 * between the read-back values of the two order statistics the exact R-7 definition interpolates
 * between, so each estimate is a convex combination of values within α of the true ones: the
 * estimate is within α of the exact percentile. Values at or below `MIN_VALUE` (0 ms, clock noise)
 * share one zero bucket and read back as 0 (absolute error ≤ MIN_VALUE).
 *
 * Sketches add: merging per-minute sketches gives exactly the sketch of all their samples, which
 * is what lets rollups answer any range made of whole minutes and hours.
 */
export const ALPHA = 0.01;
const GAMMA = (1 + ALPHA) / (1 - ALPHA);
const LN_GAMMA = Math.log(GAMMA);
export const MIN_VALUE = 1e-3;
const MAX_VALUE = 1e12;

export function bucketOf(v: number): number {
  return Math.ceil(Math.log(Math.min(v, MAX_VALUE)) / LN_GAMMA);
}

export function valueOf(i: number): number {
  return (2 * Math.exp(i * LN_GAMMA)) / (GAMMA + 1);
}

export class LogSketch {
  /** Bucket index → count; sparse because one minute's calls fill only a few dozen buckets. */
  readonly counts = new Map<number, number>();
  zeros = 0;
  count = 0;

  add(v: number, n = 1): void {
    this.count += n;
    if (!(v > MIN_VALUE)) { this.zeros += n; return; }
    const i = bucketOf(v);
    this.counts.set(i, (this.counts.get(i) ?? 0) + n);
  }

  merge(other: LogSketch): void {
    this.count += other.count;
    this.zeros += other.zeros;
    for (const [i, n] of other.counts) this.counts.set(i, (this.counts.get(i) ?? 0) + n);
  }

  /** Percentiles for each q in [0, 1], or null when empty; see the file comment for the bound. */
  quantiles(qs: readonly number[]): (number | null)[] {
    if (this.count === 0) return qs.map(() => null);
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    // The value of the k-th smallest sample (0-based), as the sketch knows it.
    const at = (k: number): number => {
      if (k < this.zeros) return 0;
      let seen = this.zeros;
      for (const i of keys) {
        seen += this.counts.get(i)!;
        if (k < seen) return valueOf(i);
      }
      return valueOf(keys[keys.length - 1]);
    };
    return qs.map((q) => {
      const pos = (this.count - 1) * Math.min(1, Math.max(0, q));
      const lo = Math.floor(pos);
      const hi = Math.ceil(pos);
      const vLo = at(lo);
      return lo === hi ? vLo : vLo + (at(hi) - vLo) * (pos - lo);
    });
  }

  /**
   * Compact bytes for a rollup row: unsigned LEB128 varints — zero count, bucket count, then per
   * bucket in ascending order (zigzag of the first index, gaps after it) and its count. A minute
   * with a hundred calls takes a couple of hundred bytes.
   */
  encode(): Buffer {
    const out: number[] = [];
    const keys = [...this.counts.keys()].sort((a, b) => a - b);
    varint(out, this.zeros);
    varint(out, keys.length);
    let prev = 0;
    keys.forEach((i, n) => {
      varint(out, n === 0 ? zigzag(i) : i - prev);
      varint(out, this.counts.get(i)!);
      prev = i;
    });
    return Buffer.from(out);
  }

  static decode(buf: Uint8Array | null | undefined, into = new LogSketch()): LogSketch {
    if (!buf || buf.length === 0) return into;
    let pos = 0;
    const read = (): number => {
      let v = 0;
      let mul = 1;
      for (;;) {
        const b = buf[pos++];
        if (b === undefined) throw new RangeError("truncated sketch");
        v += (b & 0x7f) * mul;
        if (b < 0x80) return v;
        mul *= 128;
      }
    };
    const zeros = read();
    into.zeros += zeros;
    into.count += zeros;
    const n = read();
    let i = 0;
    for (let k = 0; k < n; k++) {
      i = k === 0 ? unzigzag(read()) : i + read();
      const c = read();
      into.counts.set(i, (into.counts.get(i) ?? 0) + c);
      into.count += c;
    }
    return into;
  }
}

function varint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}

function zigzag(i: number): number {
  return i >= 0 ? i * 2 : -i * 2 - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

/**
 * A mergeable quantile sketch with relative accuracy (DDSketch's log-bucket mapping and dense
 * store, without its bucket collapsing: latencies span few enough decades that every bucket fits).
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

/**
 * The last few values mapped: a batch's rollups add each call's latency, TTFT and tokens/s to the
 * sketches of 16 groups (two grains × eight dimensions) in a row, so the logarithm is mostly found here.
 */
const seenV = new Float64Array(4).fill(Number.NaN);
const seenB = new Int32Array(4);
let seenNext = 0;

export function bucketOf(v: number): number {
  for (let k = 0; k < 4; k++) if (seenV[k] === v) return seenB[k];
  const b = Math.ceil(Math.log(Math.min(v, MAX_VALUE)) / LN_GAMMA);
  seenV[seenNext] = v;
  seenB[seenNext] = b;
  seenNext = (seenNext + 1) & 3;
  return b;
}

export function valueOf(i: number): number {
  return (2 * Math.exp(i * LN_GAMMA)) / (GAMMA + 1);
}

export class LogSketch {
  /**
   * Counts per bucket in a dense window that grows as needed (DDSketch's dense store): merging is
   * adding arrays, and the dashboard's reads merge thousands of minute sketches.
   */
  private bins = new Float64Array(0);
  private lo = 0;
  zeros = 0;
  count = 0;

  add(v: number, n = 1): void {
    this.count += n;
    if (!(v > MIN_VALUE)) { this.zeros += n; return; }
    this.addBucket(bucketOf(v), n);
  }

  private addBucket(i: number, n: number): void {
    if (i < this.lo || i >= this.lo + this.bins.length) this.grow(i);
    this.bins[i - this.lo] += n;
  }

  private grow(i: number): void {
    if (this.bins.length === 0) {
      this.lo = i - 32;
      this.bins = new Float64Array(128);
      return;
    }
    const lo = Math.min(this.lo, i - 32);
    const hi = Math.max(this.lo + this.bins.length, i + 33);
    const next = new Float64Array(Math.max(hi - lo, this.bins.length * 2));
    next.set(this.bins, this.lo - lo);
    this.bins = next;
    this.lo = lo;
  }

  /** Non-empty buckets as [index, count], ascending. */
  buckets(): [number, number][] {
    const out: [number, number][] = [];
    for (let k = 0; k < this.bins.length; k++) if (this.bins[k] > 0) out.push([this.lo + k, this.bins[k]]);
    return out;
  }

  merge(other: LogSketch): void {
    this.count += other.count;
    this.zeros += other.zeros;
    for (let k = 0; k < other.bins.length; k++) if (other.bins[k] > 0) this.addBucket(other.lo + k, other.bins[k]);
  }

  /** Percentiles for each q in [0, 1], or null when empty; see the file comment for the bound. */
  quantiles(qs: readonly number[]): (number | null)[] {
    if (this.count === 0) return qs.map(() => null);
    // The value of the k-th smallest sample (0-based), as the sketch knows it.
    const at = (rank: number): number => {
      if (rank < this.zeros) return 0;
      let seen = this.zeros;
      let last = 0;
      for (let k = 0; k < this.bins.length; k++) {
        if (this.bins[k] === 0) continue;
        seen += this.bins[k];
        last = this.lo + k;
        if (rank < seen) return valueOf(last);
      }
      return valueOf(last);
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
    // Written into one scratch array (a varint is at most 8 bytes below 2^53), then copied out once:
    // every batch encodes three sketches per rollup row it touches.
    const need = 16 + this.bins.length * 16;
    if (scratch.length < need) scratch = new Uint8Array(need * 2);
    let n = 0;
    const put = (v: number): void => {
      while (v >= 0x80) {
        scratch[n++] = (v % 128) | 0x80;
        v = Math.floor(v / 128);
      }
      scratch[n++] = v;
    };
    let count = 0;
    for (let k = 0; k < this.bins.length; k++) if (this.bins[k] > 0) count++;
    put(this.zeros);
    put(count);
    let prev = 0;
    let first = true;
    for (let k = 0; k < this.bins.length; k++) {
      const c = this.bins[k];
      if (!(c > 0)) continue;
      const i = this.lo + k;
      put(first ? zigzag(i) : i - prev);
      put(c);
      prev = i;
      first = false;
    }
    return Buffer.from(scratch.subarray(0, n));
  }

  /** Adds an encoded sketch into `into` (a new one by default): reads merge as they decode. */
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
      into.addBucket(i, c);
      into.count += c;
    }
    return into;
  }
}

let scratch = new Uint8Array(4096);

function zigzag(i: number): number {
  return i >= 0 ? i * 2 : -i * 2 - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

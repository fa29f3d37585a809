/**
 * Percentile by linear interpolation between closest ranks (the "R-7" definition NumPy and
 * Prometheus' histogram_quantile-style estimates approximate). Sorts `values` in place.
 */
export function percentiles(values: Float64Array, qs: readonly number[]): (number | null)[] {
  if (values.length === 0) return qs.map(() => null);
  values.sort();
  return qs.map((q) => {
    const pos = (values.length - 1) * Math.min(1, Math.max(0, q));
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return values[lo] + (values[hi] - values[lo]) * (pos - lo);
  });
}

/** A growable Float64Array: percentile inputs without boxing every sample as a JS number object. */
export class Samples {
  private buf = new Float64Array(64);
  length = 0;

  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  /** `push` under the name a summary's value sink has (summarize.ts `Tally`). */
  add(v: number): void {
    this.push(v);
  }

  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

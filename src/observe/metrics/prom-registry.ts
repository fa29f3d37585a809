/**
 * A minimal Prometheus text-format (0.0.4) registry: counters, gauges and histograms keyed by a
 * fixed, ordered label list. Written here rather than pulling in prom-client: the hot path is one
 * Map lookup per family on a label key the caller builds once per request, and nothing allocates
 * after a series exists.
 *
 * Exposition format: https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export type MetricType = "counter" | "gauge" | "histogram";

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: MetricType;
  readonly labels: readonly string[];
  render(out: string[]): void;
}

const SEP = "\u0000";

/** Joins label values into a series key; values never contain NUL (label bounds replace it). */
export function seriesKey(values: readonly string[]): string {
  return values.join(SEP);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function fmt(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

function labelText(names: readonly string[], values: readonly string[], extra?: string): string {
  const parts: string[] = [];
  for (let i = 0; i < names.length; i++) parts.push(`${names[i]}="${escapeLabel(values[i] ?? "")}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(",")}}` : "";
}

abstract class BaseFamily<S> implements Family {
  protected readonly series = new Map<string, { values: readonly string[]; s: S }>();
  constructor(readonly name: string, readonly help: string, readonly type: MetricType, readonly labels: readonly string[]) {}

  protected get(values: readonly string[], key: string, make: () => S): S {
    let e = this.series.get(key);
    if (!e) {
      e = { values: values.slice(), s: make() };
      this.series.set(key, e);
    }
    return e.s;
  }

  get size(): number {
    return this.series.size;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const { values, s } of this.series.values()) this.renderSeries(out, values, s);
  }

  protected abstract renderSeries(out: string[], values: readonly string[], s: S): void;
}

export class Counter extends BaseFamily<{ v: number }> {
  constructor(name: string, help: string, labels: readonly string[] = []) {
    if (!name.endsWith("_total")) throw new Error(`counter ${name} must end in _total`);
    super(name, help, "counter", labels);
  }

  /** `key` is `seriesKey(values)`, passed in so a caller touching several families builds it once. */
  inc(values: readonly string[], by = 1, key = seriesKey(values)): void {
    if (by < 0 || !Number.isFinite(by)) return;
    this.get(values, key, () => ({ v: 0 })).v += by;
  }

  /** For totals kept elsewhere (written traces, stored events), mirrored at scrape time. */
  setTotal(values: readonly string[], v: number): void {
    this.get(values, seriesKey(values), () => ({ v: 0 })).v = v;
  }

  value(values: readonly string[]): number {
    return this.series.get(seriesKey(values))?.s.v ?? 0;
  }

  protected renderSeries(out: string[], values: readonly string[], s: { v: number }): void {
    out.push(`${this.name}${labelText(this.labels, values)} ${fmt(s.v)}`);
  }
}

export class Gauge extends BaseFamily<{ v: number }> {
  constructor(name: string, help: string, labels: readonly string[] = []) {
    super(name, help, "gauge", labels);
  }

  set(values: readonly string[], v: number): void {
    this.get(values, seriesKey(values), () => ({ v: 0 })).v = v;
  }

  /** Gauges filled at scrape time start from empty each scrape, so vanished series disappear. */
  reset(): void {
    this.series.clear();
  }

  protected renderSeries(out: string[], values: readonly string[], s: { v: number }): void {
    out.push(`${this.name}${labelText(this.labels, values)} ${fmt(s.v)}`);
  }
}

interface HistogramSeries {
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

export class Histogram extends BaseFamily<HistogramSeries> {
  constructor(name: string, help: string, labels: readonly string[], readonly buckets: readonly number[]) {
    super(name, help, "histogram", labels);
    for (let i = 1; i < buckets.length; i++) if (!(buckets[i] > buckets[i - 1])) throw new Error(`${name}: buckets must increase`);
  }

  observe(values: readonly string[], v: number, key = seriesKey(values)): void {
    if (!Number.isFinite(v)) return;
    const s = this.get(values, key, () => ({ counts: new Float64Array(this.buckets.length), sum: 0, count: 0 }));
    // Non-cumulative per bucket here; rendering accumulates. Linear scan: ≤ 16 buckets.
    const b = this.buckets;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]) { s.counts[i]++; break; }
    }
    s.sum += v;
    s.count++;
  }

  protected renderSeries(out: string[], values: readonly string[], s: HistogramSeries): void {
    let acc = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      acc += s.counts[i];
      out.push(`${this.name}_bucket${labelText(this.labels, values, `le="${fmt(this.buckets[i])}"`)} ${acc}`);
    }
    out.push(`${this.name}_bucket${labelText(this.labels, values, 'le="+Inf"')} ${s.count}`);
    out.push(`${this.name}_sum${labelText(this.labels, values)} ${fmt(s.sum)}`);
    out.push(`${this.name}_count${labelText(this.labels, values)} ${s.count}`);
  }
}

/** Families in registration order; `render()` is the /metrics body. */
export class PromRegistry {
  private readonly families: Family[] = [];
  private readonly names = new Set<string>();

  add<F extends Family>(f: F): F {
    if (this.names.has(f.name)) throw new Error(`metric ${f.name} registered twice`);
    this.names.add(f.name);
    this.families.push(f);
    return f;
  }

  counter(name: string, help: string, labels: readonly string[] = []): Counter {
    return this.add(new Counter(name, help, labels));
  }

  gauge(name: string, help: string, labels: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labels));
  }

  histogram(name: string, help: string, labels: readonly string[], buckets: readonly number[]): Histogram {
    return this.add(new Histogram(name, help, labels, buckets));
  }

  render(): string {
    const out: string[] = [];
    for (const f of this.families) f.render(out);
    return `${out.join("\n")}\n`;
  }
}

export const PROM_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { withQuery } from "../api.js";
import { type Series, TimeChart } from "../chart.js";
import { Async, Field, Stat, Table, useGet } from "../components.js";
import { count, ms, pct, usd } from "../format.js";
import type { TraceRow } from "./traces.js";

interface Summary {
  slice: string; requests: number; errors: number; error_rate: number;
  latency_ms: { p50: number | null; p95: number | null }; ttft_ms: { p50: number | null; p95: number | null };
  tokens_in_per_request: number; tokens_out_per_request: number; cost_usd: number; cache_hit_rate: number; guard_trigger_rate: number;
  scores: Record<string, { mean: number; n: number }>;
}

const RANGES: Record<string, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };
const FILTERS = ["model", "route", "prompt_version", "key", "user", "feature"] as const;
type Filter = (typeof FILTERS)[number];
const LABELS: Record<Filter, string> = { model: "Model", route: "Route", prompt_version: "Prompt version (name@vN)", key: "Key id", user: "User", feature: "Feature" };
/** Charts read at most this many recent traces; the summary numbers above them read every call. */
const CHART_TRACES = 1000;

export function OverviewPage(): JSX.Element {
  const [since, setSince] = useState("24h");
  const [filters, setFilters] = useState<Record<Filter, string>>({ model: "", route: "", prompt_version: "", key: "", user: "", feature: "" });
  const summary = useGet<{ data: Summary[]; truncated: boolean }>(withQuery("/api/v1/metrics/summary", { since, ...filters }));
  const byModel = useGet<{ data: Summary[] }>(withQuery("/api/v1/metrics/summary", { since, by: "model", ...filters }));
  // Fixed when the range is chosen: a `since` recomputed every render would refetch forever.
  const from = useMemo(() => String(Date.now() - RANGES[since]), [since]);
  const traces = useGet<{ data: TraceRow[] }>(withQuery("/api/v1/traces", {
    since: from, limit: CHART_TRACES, model: filters.model, key: filters.key, user: filters.user, feature: filters.feature,
  }));
  return (
    <section aria-labelledby="overview-h">
      <h1 id="overview-h">Overview</h1>
      <form class="filters" aria-label="Overview filters" onSubmit={(e) => e.preventDefault()}>
        <Field id="ov-since" label="Time range">
          <select id="ov-since" value={since} onChange={(e) => setSince((e.target as HTMLSelectElement).value)}>{Object.keys(RANGES).map((k) => <option value={k}>last {k}</option>)}</select>
        </Field>
        {FILTERS.map((k) => (
          <Field id={`ov-${k}`} label={LABELS[k]}>
            <input id={`ov-${k}`} value={filters[k]} onChange={(e) => setFilters({ ...filters, [k]: (e.target as HTMLInputElement).value.trim() })} />
          </Field>
        ))}
      </form>
      <Async r={summary}>{(d) => {
        const s = d.data[0];
        if (!s) return <p class="muted">No calls in this range.</p>;
        const scores = Object.entries(s.scores);
        return (
          <div class="stats" role="group" aria-label="Totals for the range">
            <Stat label="Requests" value={count(s.requests)} />
            <Stat label="Errors" value={count(s.errors)} hint={`${pct(s.error_rate)} error rate`} />
            <Stat label="Latency p50 / p95" value={`${ms(s.latency_ms.p50)} / ${ms(s.latency_ms.p95)}`} />
            <Stat label="TTFT p50 / p95" value={`${ms(s.ttft_ms.p50)} / ${ms(s.ttft_ms.p95)}`} />
            <Stat label="Cost" value={usd(s.cost_usd)} />
            <Stat label="Tokens" value={count(Math.round(s.requests * (s.tokens_in_per_request + s.tokens_out_per_request)))} hint={`${count(s.tokens_in_per_request)} in / ${count(s.tokens_out_per_request)} out per call`} />
            <Stat label="Cache hits" value={pct(s.cache_hit_rate)} />
            <Stat label="Guard triggers" value={pct(s.guard_trigger_rate)} />
            {scores.map(([name, v]) => <Stat label={`Score: ${name}`} value={v.mean.toFixed(2)} hint={`n = ${count(v.n)}`} />)}
            {d.truncated ? <p class="muted">Summarised from the most recent calls only.</p> : null}
          </div>
        );
      }}</Async>
      <Async r={traces}>{(d) => <Charts rows={d.data.filter((t) => matches(t, filters))} rangeMs={RANGES[since]} />}</Async>
      <h2>By model</h2>
      <Async r={byModel}>{(d) => (
        <Table caption="Summary by model" rows={d.data} rowKey={(r) => r.slice} empty="No calls in this range." columns={[
          { label: "Model", cell: (r) => r.slice ?? "—" },
          { label: "Requests", numeric: true, cell: (r) => count(r.requests) },
          { label: "Error rate", numeric: true, cell: (r) => pct(r.error_rate) },
          { label: "p50", numeric: true, cell: (r) => ms(r.latency_ms.p50) },
          { label: "p95", numeric: true, cell: (r) => ms(r.latency_ms.p95) },
          { label: "TTFT p50", numeric: true, cell: (r) => ms(r.ttft_ms.p50) },
          { label: "Cost", numeric: true, cell: (r) => usd(r.cost_usd) },
          { label: "Guard", numeric: true, cell: (r) => pct(r.guard_trigger_rate) },
        ]} />
      )}</Async>
    </section>
  );
}

function matches(t: TraceRow, f: Record<Filter, string>): boolean {
  if (f.route && t.model_requested !== f.route) return false;
  if (f.prompt_version && (!t.prompt || `${t.prompt.name}@v${t.prompt.version}` !== f.prompt_version)) return false;
  return true;
}

const quantile = (xs: number[], q: number): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};

/** Buckets recent traces by time: about 30 buckets over the range. */
function Charts(props: { rows: TraceRow[]; rangeMs: number }): JSX.Element {
  const data = useMemo(() => {
    const buckets = 30;
    const step = props.rangeMs / buckets;
    const end = Date.now();
    const start = end - props.rangeMs;
    const b = Array.from({ length: buckets }, () => ({ n: 0, err: 0, lat: [] as number[], ttft: [] as number[], cost: 0, tokens: 0, guard: 0 }));
    for (const t of props.rows) {
      const i = Math.floor((Date.parse(t.started_at) - start) / step);
      const x = b[Math.max(0, Math.min(buckets - 1, i))];
      x.n++;
      if (t.status === "error") x.err++;
      x.lat.push(t.latency_ms);
      if (t.ttft_ms !== null) x.ttft.push(t.ttft_ms);
      x.cost += t.cost_usd ?? 0;
      x.tokens += (t.tokens_in ?? 0) + (t.tokens_out ?? 0);
      if (t.guard?.some((g) => g.triggered && g.action !== "log")) x.guard++;
    }
    const xs = b.map((_, i) => Math.round((start + (i + 0.5) * step) / 1000));
    const num = (v: number | null): string => count(v);
    const traffic: Series[] = [
      { label: "Requests", values: b.map((x) => x.n), color: "#1f5fbf", format: num },
      { label: "Errors", values: b.map((x) => x.err), color: "#b3261e", format: num },
      { label: "Guard triggers", values: b.map((x) => x.guard), color: "#8a5a00", format: num },
    ];
    const latency: Series[] = [
      { label: "p50 latency", values: b.map((x) => quantile(x.lat, 0.5)), color: "#1f5fbf", format: ms },
      { label: "p95 latency", values: b.map((x) => quantile(x.lat, 0.95)), color: "#6b3fa0", format: ms },
      { label: "p50 TTFT", values: b.map((x) => quantile(x.ttft, 0.5)), color: "#1b7a3e", format: ms },
    ];
    const cost: Series[] = [{ label: "Cost", values: b.map((x) => x.cost), color: "#1b7a3e", format: usd }];
    const tokens: Series[] = [{ label: "Tokens", values: b.map((x) => x.tokens), color: "#6b3fa0", format: num }];
    return { xs, traffic, latency, cost, tokens, total: b.reduce((a, x) => a + x.n, 0) };
  }, [props.rows, props.rangeMs]);
  return (
    <div class="charts">
      <p class="muted">Charts over the {count(props.rows.length)} most recent traces in range (at most {count(CHART_TRACES)}).</p>
      <TimeChart title="Requests, errors and guard triggers" x={data.xs} series={data.traffic} summary={`${data.total} requests charted.`} />
      <TimeChart title="Latency and time to first token" x={data.xs} series={data.latency} summary="p50 and p95 latency, p50 TTFT per interval." />
      <TimeChart title="Cost" x={data.xs} series={data.cost} summary="Cost in USD per interval." />
      <TimeChart title="Tokens" x={data.xs} series={data.tokens} summary="Input plus output tokens per interval." />
    </div>
  );
}

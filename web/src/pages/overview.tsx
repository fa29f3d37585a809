import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { withQuery } from "../api.js";
import { type Series, TimeChart } from "../chart.js";
import { Async, Badge, Field, Link, Stat, Table, useGet } from "../components.js";
import type { CacheStats } from "./cache.js";
import { count, ms, pct, usd } from "../format.js";

interface Summary {
  slice: string; requests: number; errors: number; error_rate: number;
  latency_ms: { p50: number | null; p95: number | null }; ttft_ms: { p50: number | null; p95: number | null };
  tokens_in_per_request: number; tokens_out_per_request: number; tokens_in: number; tokens_out: number;
  cost_usd: number; cache_hit_rate: number; cache_hits: number; guard_trigger_rate: number; guard_triggers: number;
  scores: Record<string, { mean: number; n: number }>; feedback: { mean: number; n: number } | null;
}
type Bucket = Omit<Summary, "slice"> & { start_ms: number };

const RANGES: Record<string, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };
const FILTERS = ["model", "route", "prompt_version", "key", "user", "feature"] as const;
type Filter = (typeof FILTERS)[number];
const LABELS: Record<Filter, string> = { model: "Model", route: "Route", prompt_version: "Prompt version (name@vN)", key: "Key id", user: "User", feature: "Feature" };
/** Intervals per chart: enough to see a change, few enough to read each point. */
const BUCKETS = 48;
const SCORE_COLORS = ["#1f5fbf", "#1b7a3e", "#6b3fa0", "#8a5a00", "#a3211a", "#24365c"];

export function OverviewPage(): JSX.Element {
  const [since, setSince] = useState("24h");
  const [filters, setFilters] = useState<Record<Filter, string>>({ model: "", route: "", prompt_version: "", key: "", user: "", feature: "" });
  const summary = useGet<{ data: Summary[]; truncated: boolean }>(withQuery("/api/v1/metrics/summary", { since, ...filters }));
  const byModel = useGet<{ data: Summary[] }>(withQuery("/api/v1/metrics/summary", { since, by: "model", ...filters }));
  const series = useGet<{ data: Bucket[]; step_ms: number; truncated: boolean }>(withQuery("/api/v1/metrics/timeseries", { since, buckets: BUCKETS, ...filters }));
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
            <Stat label="Tokens" value={count(s.tokens_in + s.tokens_out)} hint={`${count(s.tokens_in)} in / ${count(s.tokens_out)} out`} />
            <Stat label="Cache hits" value={count(s.cache_hits)} hint={`${pct(s.cache_hit_rate)} of calls`} />
            <Stat label="Guard triggers" value={count(s.guard_triggers)} hint={`${pct(s.guard_trigger_rate)} of calls`} />
            {scores.map(([name, v]) => <Stat label={`Score: ${name}`} value={v.mean.toFixed(2)} hint={`n = ${count(v.n)}`} />)}
            {s.feedback ? <Stat label="User feedback" value={s.feedback.mean.toFixed(2)} hint={`n = ${count(s.feedback.n)}`} /> : null}
            {d.truncated ? <p class="muted">Summarised from the most recent calls only.</p> : null}
          </div>
        );
      }}</Async>
      <CacheTile />
      <Maturity />
      <Async r={series}>{(d) => <Charts buckets={d.data} stepMs={d.step_ms} />}</Async>
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

interface Doctor {
  level: number; window_days: number;
  criteria: { level: number; id: string; title: string; status: "pass" | "fail"; evidence: string }[];
  nextSteps: { level: number; id: string; step: string }[];
  modelsWithoutCanary: string[];
}
const LEVELS = ["ad hoc", "instrumented", "managed", "optimized", "adaptive"];

/** GET /api/v1/doctor: the `keel doctor` maturity level with its evidence and the next steps (docs/doctor.md). */
function Maturity(): JSX.Element {
  const doctor = useGet<Doctor>("/api/v1/doctor");
  return (
    <section aria-labelledby="maturity-h">
      <h2 id="maturity-h">Maturity</h2>
      <Async r={doctor}>{(d) => (
        <>
          <p><strong>Level {d.level} ({LEVELS[d.level]})</strong> <span class="muted">judged from the last {d.window_days} days of this instance's data, as <code>keel doctor</code> does.</span></p>
          {d.nextSteps.length > 0 ? <><h3>Next steps</h3><ol>{d.nextSteps.map((s) => <li>(level {s.level}) {s.step}</li>)}</ol></> : null}
          {d.modelsWithoutCanary.length > 0 ? <p class="muted">Models with no drift canary: {d.modelsWithoutCanary.join(", ")}</p> : null}
          <details>
            <summary>Evidence for every check</summary>
            <Table caption="Maturity checks with their evidence" rows={d.criteria} rowKey={(c) => c.id} columns={[
              { label: "Level", numeric: true, cell: (c) => c.level },
              { label: "Check", cell: (c) => c.title },
              { label: "Status", cell: (c) => <Badge tone={c.status === "pass" ? "ok" : "bad"}>{c.status}</Badge> },
              { label: "Evidence", cell: (c) => c.evidence },
            ]} />
          </details>
        </>
      )}</Async>
    </section>
  );
}

const num = (v: number | null): string => count(v);
const rate = (v: number | null): string => pct(v);

/** The server's per-interval summaries as charts; an interval without calls is a gap, not a zero latency. */
function Charts(props: { buckets: Bucket[]; stepMs: number }): JSX.Element {
  const data = useMemo(() => {
    const b = props.buckets;
    const xs = b.map((x) => Math.round((x.start_ms + props.stepMs / 2) / 1000));
    const idle = (x: Bucket, v: number | null): number | null => (x.requests === 0 ? null : v);
    const traffic: Series[] = [
      { label: "Requests", values: b.map((x) => x.requests), color: "#1f5fbf", format: num },
      { label: "Errors", values: b.map((x) => x.errors), color: "#b3261e", format: num },
      { label: "Guard triggers", values: b.map((x) => x.guard_triggers), color: "#8a5a00", format: num },
      { label: "Cache hits", values: b.map((x) => x.cache_hits), color: "#1b7a3e", format: num },
    ];
    const latency: Series[] = [
      { label: "p50 latency", values: b.map((x) => x.latency_ms.p50), color: "#1f5fbf", format: ms },
      { label: "p95 latency", values: b.map((x) => x.latency_ms.p95), color: "#6b3fa0", format: ms },
      { label: "p50 TTFT", values: b.map((x) => x.ttft_ms.p50), color: "#1b7a3e", format: ms },
      { label: "p95 TTFT", values: b.map((x) => x.ttft_ms.p95), color: "#8a5a00", format: ms },
    ];
    const cost: Series[] = [{ label: "Cost", values: b.map((x) => x.cost_usd), color: "#1b7a3e", format: usd }];
    const tokens: Series[] = [
      { label: "Tokens in", values: b.map((x) => x.tokens_in), color: "#6b3fa0", format: num },
      { label: "Tokens out", values: b.map((x) => x.tokens_out), color: "#1f5fbf", format: num },
    ];
    const names = [...new Set(b.flatMap((x) => Object.keys(x.scores)))].sort();
    const scores: Series[] = names.map((n, i) => ({ label: n, values: b.map((x) => idle(x, x.scores[n]?.mean ?? null)), color: SCORE_COLORS[i % SCORE_COLORS.length], format: (v) => (v === null ? "—" : v.toFixed(2)) }));
    if (b.some((x) => x.feedback)) scores.push({ label: "User feedback", values: b.map((x) => x.feedback?.mean ?? null), color: "#24365c", format: (v) => (v === null ? "—" : v.toFixed(2)) });
    const rates: Series[] = [
      { label: "Error rate", values: b.map((x) => idle(x, x.error_rate)), color: "#b3261e", format: rate },
      { label: "Cache hit rate", values: b.map((x) => idle(x, x.cache_hit_rate)), color: "#1b7a3e", format: rate },
      { label: "Guard trigger rate", values: b.map((x) => idle(x, x.guard_trigger_rate)), color: "#8a5a00", format: rate },
    ];
    const total = b.reduce((a, x) => a + x.requests, 0);
    return { xs, traffic, latency, cost, tokens, scores, rates, total };
  }, [props.buckets, props.stepMs]);
  return (
    <div class="charts">
      <p class="muted">{count(data.total)} calls in {props.buckets.length} intervals of {ms(props.stepMs)}.</p>
      <TimeChart title="Requests, errors, guard triggers and cache hits" x={data.xs} series={data.traffic} summary={`${data.total} requests charted.`} />
      <TimeChart title="Latency and time to first token" x={data.xs} series={data.latency} summary="p50 and p95 latency, p50 and p95 TTFT per interval." />
      <TimeChart title="Error, cache hit and guard trigger rates" x={data.xs} series={data.rates} summary="Rates per interval, as a share of calls." />
      <TimeChart title="Cost" x={data.xs} series={data.cost} summary="Cost in USD per interval." />
      <TimeChart title="Tokens" x={data.xs} series={data.tokens} summary="Input and output tokens per interval." />
      {data.scores.length > 0
        ? <TimeChart title="Eval scores and feedback" x={data.xs} series={data.scores} summary={`Mean score per interval for ${data.scores.map((s) => s.label).join(", ")}.`} />
        : <figure class="chart"><figcaption>Eval scores and feedback</figcaption><p class="muted">No scored calls in this range: online eval rules and feedback appear here.</p></figure>}
    </div>
  );
}

/** The response cache since this process started (GET /api/v1/cache/stats); "off" when the cache is not enabled. */
function CacheTile(): JSX.Element {
  const c = useGet<CacheStats>("/api/v1/cache/stats");
  return (
    <section aria-labelledby="cache-tile-h">
      <h2 id="cache-tile-h">Response cache</h2>
      <Async r={c}>{(s) => (s.enabled === false ? <p class="muted">Off (<code>cache.enabled: false</code>).</p> : (
          <div class="stats" role="group" aria-label="Response cache since start">
            <Stat label="Cache hit rate" value={pct(s.hit_rate)} hint={`${count(s.hits)} exact, ${count(s.semantic_hits)} semantic`} />
            <Stat label="USD saved" value={usd(s.usd_saved)} hint={`${count(s.tokens_saved)} tokens`} />
            <p class="muted"><Link to="/cache">Cache page</Link></p>
          </div>
        ))}</Async>
    </section>
  );
}

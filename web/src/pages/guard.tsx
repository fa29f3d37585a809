import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { withQuery } from "../api.js";
import { Async, Badge, Field, Link, Table, useGet } from "../components.js";
import { count, ms, pct, when } from "../format.js";
import type { TraceRow } from "./traces.js";

interface Stat { scanner: string; route: string; screened: number; triggered: number; trigger_rate: number; actions: { block: number; redact: number; flag: number; log: number }; avg_latency_ms: number; max_latency_ms: number }
const RANGES: Record<string, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };

export function GuardPage(): JSX.Element {
  const [since, setSince] = useState("24h");
  // Fixed when the range is chosen: a `since` recomputed every render would refetch forever.
  const from = useMemo(() => String(Date.now() - RANGES[since]), [since]);
  const stats = useGet<{ data: Stat[] }>(withQuery("/api/v1/guard/stats", { since: from }));
  const traces = useGet<{ data: TraceRow[] }>(withQuery("/api/v1/traces", { since: from, limit: 1000 }));
  return (
    <section aria-labelledby="guard-h">
      <h1 id="guard-h">Guardrails</h1>
      <div class="filters">
        <Field id="g-since" label="Time range"><select id="g-since" value={since} onChange={(e) => setSince((e.target as HTMLSelectElement).value)}>{Object.keys(RANGES).map((k) => <option value={k}>last {k}</option>)}</select></Field>
      </div>
      <h2>Trigger rates</h2>
      <Async r={stats}>{(d) => (
        <Table caption="Guard trigger rates by scanner and route" rows={d.data} rowKey={(s) => `${s.route}/${s.scanner}`} empty="No guard verdicts in this range." columns={[
          { label: "Scanner", cell: (s) => s.scanner },
          { label: "Route", cell: (s) => s.route },
          { label: "Screened", numeric: true, cell: (s) => count(s.screened) },
          { label: "Triggered", numeric: true, cell: (s) => count(s.triggered) },
          { label: "Rate", numeric: true, cell: (s) => pct(s.trigger_rate) },
          { label: "Block / redact / flag / log", numeric: true, cell: (s) => `${s.actions.block} / ${s.actions.redact} / ${s.actions.flag} / ${s.actions.log}` },
          { label: "Avg / max latency", numeric: true, cell: (s) => `${ms(s.avg_latency_ms)} / ${ms(s.max_latency_ms)}` },
        ]} />
      )}</Async>
      <h2>Recent blocks and redactions</h2>
      <Async r={traces}>{(d) => {
        const hits = d.data.filter((t) => t.guard?.some((g) => g.triggered && (g.action === "block" || g.action === "redact"))).slice(0, 50);
        return (
          <Table caption="Recent calls a guardrail blocked or redacted" rows={hits} rowKey={(t) => t.id} empty="No blocks or redactions among recent calls." columns={[
            { label: "Time", cell: (t) => <Link to={`/traces/${encodeURIComponent(t.id)}`}>{when(t.started_at)}</Link> },
            { label: "Scanners", cell: (t) => t.guard!.filter((g) => g.triggered).map((g) => <Badge key={g.scanner + g.source} tone={g.action === "block" ? "bad" : "warn"}>{g.scanner} ({g.source}): {g.action}</Badge>) },
            { label: "Model", cell: (t) => t.model_requested ?? "—" },
            { label: "Status", cell: (t) => t.http_status },
          ]} />
        );
      }}</Async>
    </section>
  );
}

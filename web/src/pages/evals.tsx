import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { withQuery } from "../api.js";
import { Async, Badge, Field, Link, Table, useGet } from "../components.js";
import { count, ms, pct, text, usd, when } from "../format.js";

interface Metric { name: string; kind: string; threshold: number; items: number; scored: number; errors: number; mean: number | null; sd: number | null; pass_rate: number | null }
interface Run { id: string; name: string; status: string; dataset: string | null; dataset_version: number | null; started_at: string; ended_at: string | null; cost_usd: number; summary: { items: number; results: number; target_errors: number; metrics: Metric[]; passed: boolean } | null }
interface Result { item_id: string; repeat: number; output: { text: string; latency_ms: number; cost_usd: number; request_id: string | null; cached: boolean } | null; error: string | null; scores: Record<string, { status?: string; score?: number; reason?: string }>; cost_usd: number }
interface MetricCmp { name: string; kind: string; paired: number; baseline_mean: number | null; candidate_mean: number | null; delta: number | null; ci: [number, number] | null; mean_verdict: string; pass: { baseline_rate: number; candidate_rate: number; regressions: number; improvements: number; p_value: number; verdict: string } | null }

const num = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : n.toFixed(3));
const tone = (v: string): "ok" | "bad" | "warn" | "info" => (/regress/.test(v) ? "bad" : /improv/.test(v) ? "ok" : "info");

export function EvalsPage(): JSX.Element {
  const runs = useGet<{ data: Run[] }>("/api/v1/evals/runs?limit=100");
  const [baseline, setBaseline] = useState("");
  const [candidate, setCandidate] = useState("");
  const cmp = useGet<{ metrics: MetricCmp[] }>(baseline && candidate && baseline !== candidate ? withQuery("/api/v1/evals/compare", { baseline, candidate }) : null);
  return (
    <section aria-labelledby="evals-h">
      <h1 id="evals-h">Evals</h1>
      <p><Link to="/evals/calibration">Judge calibration report</Link>: how far each LLM judge agrees with expert ratings, and whether it may gate.</p>
      <Async r={runs}>{(d) => (
        <>
          <Table caption="Eval runs, newest first" rows={d.data} rowKey={(r) => r.id} empty="No eval runs yet — start one with `keel eval run`." columns={[
            { label: "Run", cell: (r) => <Link to={`/evals/${encodeURIComponent(r.id)}`}>{r.name}</Link> },
            { label: "Status", cell: (r) => <Badge tone={r.status === "completed" ? "ok" : r.status === "running" ? "warn" : "bad"}>{r.status}</Badge> },
            { label: "Dataset", cell: (r) => (r.dataset ? `${r.dataset}@v${r.dataset_version}` : "—") },
            { label: "Items", numeric: true, cell: (r) => count(r.summary?.items) },
            { label: "Metrics", cell: (r) => r.summary?.metrics.map((m) => `${m.name} ${num(m.mean)}`).join(", ") || "—" },
            { label: "Gate", cell: (r) => (r.summary ? <Badge tone={r.summary.passed ? "ok" : "bad"}>{r.summary.passed ? "passed" : "failed"}</Badge> : "—") },
            { label: "Cost", numeric: true, cell: (r) => usd(r.cost_usd) },
            { label: "Started", cell: (r) => when(r.started_at) },
          ]} />
          {d.data.length >= 2 ? (
            <>
              <h2>Compare two runs</h2>
              <div class="filters">
                <Field id="cmp-base" label="Baseline"><select id="cmp-base" value={baseline} onChange={(e) => setBaseline((e.target as HTMLSelectElement).value)}><option value="">choose…</option>{d.data.map((r) => <option value={r.id}>{r.name} — {when(r.started_at)}</option>)}</select></Field>
                <Field id="cmp-cand" label="Candidate"><select id="cmp-cand" value={candidate} onChange={(e) => setCandidate((e.target as HTMLSelectElement).value)}><option value="">choose…</option>{d.data.map((r) => <option value={r.id}>{r.name} — {when(r.started_at)}</option>)}</select></Field>
              </div>
              {cmp.data || cmp.error ? <Async r={cmp}>{(c) => (
                <Table caption="Metric comparison" rows={c.metrics} rowKey={(m) => m.name} columns={[
                  { label: "Metric", cell: (m) => m.name },
                  { label: "Paired items", numeric: true, cell: (m) => count(m.paired) },
                  { label: "Baseline", numeric: true, cell: (m) => num(m.baseline_mean) },
                  { label: "Candidate", numeric: true, cell: (m) => num(m.candidate_mean) },
                  { label: "Δ (CI)", numeric: true, cell: (m) => `${num(m.delta)}${m.ci ? ` [${num(m.ci[0])}, ${num(m.ci[1])}]` : ""}` },
                  { label: "Mean verdict", cell: (m) => <Badge tone={tone(m.mean_verdict)}>{m.mean_verdict}</Badge> },
                  { label: "Pass rate", cell: (m) => (m.pass ? `${pct(m.pass.baseline_rate)} → ${pct(m.pass.candidate_rate)} (−${m.pass.regressions} / +${m.pass.improvements}, p ${m.pass.p_value.toFixed(3)})` : "—") },
                ]} />
              )}</Async> : <p class="muted">Choose a baseline and a candidate.</p>}
            </>
          ) : null}
        </>
      )}</Async>
    </section>
  );
}

export function EvalRunPage(props: { id: string }): JSX.Element {
  const base = `/api/v1/evals/runs/${encodeURIComponent(props.id)}`;
  const run = useGet<Run>(base);
  const results = useGet<{ data: Result[] }>(`${base}/results`);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="run-h">
      <p><Link to="/evals">← All runs</Link></p>
      <Async r={run}>{(r) => (
        <>
          <h1 id="run-h">Eval run {r.name}</h1>
          <p>{r.status} · started {when(r.started_at)} · {usd(r.cost_usd)}</p>
          <Table caption="Metric summary" rows={r.summary?.metrics ?? []} rowKey={(m) => m.name} empty="No summary yet." columns={[
            { label: "Metric", cell: (m) => `${m.name} (${m.kind})` },
            { label: "Mean", numeric: true, cell: (m) => num(m.mean) },
            { label: "SD", numeric: true, cell: (m) => num(m.sd) },
            { label: "Pass rate", numeric: true, cell: (m) => pct(m.pass_rate) },
            { label: "Threshold", numeric: true, cell: (m) => num(m.threshold) },
            { label: "Scored / errors", numeric: true, cell: (m) => `${m.scored} / ${m.errors}` },
          ]} />
        </>
      )}</Async>
      <h2>Items</h2>
      <Async r={results}>{(d) => (
        <Table caption="Per-item results" rows={d.data} rowKey={(x) => `${x.item_id}#${x.repeat}`} empty="No results." columns={[
          { label: "Item", cell: (x) => {
            const k = `${x.item_id}#${x.repeat}`;
            return <button type="button" class="link" aria-expanded={open === k} onClick={() => setOpen(open === k ? null : k)}>{x.item_id}{x.repeat ? ` (repeat ${x.repeat})` : ""}</button>;
          } },
          { label: "Scores", cell: (x) => Object.entries(x.scores).map(([n, s]) => <Badge key={n} tone={s.status === "error" ? "bad" : "info"}>{n}: {s.score !== undefined ? s.score.toFixed(2) : s.status}</Badge>) },
          { label: "Latency", numeric: true, cell: (x) => ms(x.output?.latency_ms) },
          { label: "Cost", numeric: true, cell: (x) => usd(x.cost_usd) },
          { label: "Output", cell: (x) => (open === `${x.item_id}#${x.repeat}` ? <pre class="json" tabIndex={0}>{x.output?.text ?? x.error ?? ""}{"\n\n"}{JSON.stringify(x.scores, null, 2)}</pre> : text(x.error ?? x.output?.text.slice(0, 80))) },
        ]} />
      )}</Async>
    </section>
  );
}

import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, canWrite, withQuery } from "../api.js";
import { Async, Badge, Field, Link, ModalForm, Table, useGet } from "../components.js";
import { ms, pct, text, usd, when } from "../format.js";

interface PromptSummary { name: string; type: string; latest_version: number; labels: Record<string, number>; rollouts: { label: string; status: string; percent?: number; to_version?: number }[]; updated_at: string }
interface Version { name: string; version: number; hash: string; message: string | null; author: string | null; created_at: string; labels: string[]; [k: string]: unknown }
interface Label { label: string; version: number; updated_at: string; updated_by: string | null }
interface Arm { n: number; value: number; p50?: number; p95?: number }
interface CanaryMetric { metric: string; kind: "rate" | "distribution"; better: "lower" | "higher"; a: Arm; b: Arm; margin: { kind: "absolute" | "relative"; value: number }; test: { p: number; method: string; alpha: number } | null; breached: boolean }
interface Canary { verdict: "insufficient" | "ok" | "worse"; alphaPerTest: number; metrics: CanaryMetric[] }
interface Rollout { id: string; label: string; from_version: number; to_version: number; percent: number; status: string; step: number; steps: number[]; started_at: string; ended_at: string | null; actor: string | null; outcome: unknown; comparison?: Canary }

export function PromptsPage(): JSX.Element {
  const r = useGet<{ data: PromptSummary[] }>("/api/v1/prompts");
  return (
    <section aria-labelledby="prompts-h">
      <h1 id="prompts-h">Prompts</h1>
      <Async r={r}>{(d) => (
        <Table caption="Prompts" rows={d.data} rowKey={(p) => p.name} empty="No prompts yet — push some with `keel prompts push`." columns={[
          { label: "Name", cell: (p) => <Link to={`/prompts/${encodeURIComponent(p.name)}`}>{p.name}</Link> },
          { label: "Type", cell: (p) => p.type },
          { label: "Latest", numeric: true, cell: (p) => `v${p.latest_version}` },
          { label: "Labels", cell: (p) => Object.entries(p.labels).map(([l, v]) => <Badge key={l}>{l} → v{v}</Badge>) },
          { label: "Rollouts", cell: (p) => (p.rollouts.length ? p.rollouts.map((x) => <Badge tone="warn">{x.label}: {x.status}{x.percent !== undefined ? ` ${x.percent}%` : ""}</Badge>) : "—") },
          { label: "Updated", cell: (p) => when(p.updated_at) },
        ]} />
      )}</Async>
    </section>
  );
}

export function PromptDetailPage(props: { name: string }): JSX.Element {
  const base = `/api/v1/prompts/${encodeURIComponent(props.name)}`;
  const versions = useGet<{ data: Version[] }>(`${base}/versions`);
  const labels = useGet<{ data: Label[]; protected: string[] }>(`${base}/labels`);
  const rollouts = useGet<{ data: Rollout[] }>(`${base}/rollouts`);
  const [rollback, setRollback] = useState<Label | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const reloadAll = (): void => (versions.reload(), labels.reload(), rollouts.reload());

  return (
    <section aria-labelledby="prompt-h">
      <p><Link to="/prompts">← All prompts</Link></p>
      <h1 id="prompt-h">Prompt <code>{props.name}</code></h1>
      {notice ? <p class="notice" role="status">{notice}</p> : null}
      <h2>Labels</h2>
      <Async r={labels}>{(l) => (
        <Table caption="Labels and the versions they serve" rows={l.data} rowKey={(x) => x.label} empty="No labels." columns={[
          { label: "Label", cell: (x) => <>{x.label} {l.protected.includes(x.label) ? <Badge tone="info">protected</Badge> : null}</> },
          { label: "Version", numeric: true, cell: (x) => `v${x.version}` },
          { label: "Moved", cell: (x) => `${when(x.updated_at)} by ${text(x.updated_by)}` },
          ...(canWrite() ? [{ label: "Action", cell: (x: Label) => <button type="button" class="danger" onClick={() => setRollback(x)} aria-label={`Roll back ${x.label}`}>Roll back…</button> }] : []),
        ]} />
      )}</Async>
      <h2>Rollouts</h2>
      <Async r={rollouts}>{(d) => <RolloutList name={props.name} rows={d.data} />}</Async>
      <h2>Versions</h2>
      <Async r={versions}>{(v) => (
        <>
          <Table caption="Versions, newest first" rows={v.data} rowKey={(x) => String(x.version)} columns={[
            { label: "Version", numeric: true, cell: (x) => `v${x.version}` },
            { label: "Labels", cell: (x) => (x.labels.length ? x.labels.map((l) => <Badge key={l}>{l}</Badge>) : "—") },
            { label: "Message", cell: (x) => text(x.message) },
            { label: "Author", cell: (x) => text(x.author) },
            { label: "Created", cell: (x) => when(x.created_at) },
            { label: "Hash", cell: (x) => <code>{x.hash.slice(0, 12)}</code> },
          ]} />
          <Diff base={base} versions={v.data.map((x) => x.version)} />
        </>
      )}</Async>
      {rollback && versions.data ? (
        <RollbackDialog name={props.name} label={rollback} versions={versions.data.data} onClose={(msg) => {
          setRollback(null);
          if (msg) (setNotice(msg), reloadAll());
        }} />
      ) : null}
    </section>
  );
}

function RolloutList(props: { name: string; rows: Rollout[] }): JSX.Element {
  const running = props.rows.find((r) => r.status === "running");
  const status = useGet<Rollout>(running ? `/api/v1/prompts/${encodeURIComponent(props.name)}/rollouts/${encodeURIComponent(running.label)}` : null);
  return (
    <>
      {running ? (
        <div class="card">
          <p><strong>{running.label}</strong>: v{running.from_version} → v{running.to_version}, step {running.step + 1} of {running.steps.length}</p>
          <progress max={100} value={running.percent} aria-label={`Rollout at ${running.percent}%`}>{running.percent}%</progress> {pct(running.percent / 100)}
          {status.data?.comparison ? <CanaryTable c={status.data.comparison} from={running.from_version} to={running.to_version} /> : null}
        </div>
      ) : null}
      <Table caption="Rollout history" rows={props.rows} rowKey={(r) => r.id} empty="No rollouts." columns={[
        { label: "Label", cell: (r) => r.label },
        { label: "From → to", cell: (r) => `v${r.from_version} → v${r.to_version}` },
        { label: "Status", cell: (r) => <Badge tone={r.status === "completed" ? "ok" : r.status === "running" ? "warn" : "bad"}>{r.status}</Badge> },
        { label: "Traffic", numeric: true, cell: (r) => pct(r.percent / 100) },
        { label: "Started", cell: (r) => when(r.started_at) },
        { label: "Ended", cell: (r) => when(r.ended_at) },
        { label: "Outcome", cell: (r) => text(r.outcome) },
      ]} />
    </>
  );
}

/** Rates as shares; costs in dollars, latencies in ms, scores as plain numbers — each with its p95. */
function armValue(m: CanaryMetric, a: Arm): string {
  if (m.kind === "rate") return pct(a.value);
  const f = /cost/.test(m.metric) ? usd : /_ms$|latency|ttft/.test(m.metric) ? ms : (v: number) => v.toPrecision(3);
  return `${f(a.value)}${a.p95 !== undefined ? ` (p95 ${f(a.p95)})` : ""}`;
}

/** The live canary comparison: each metric for the old (A) and new (B) version, and whether B is worse. */
function CanaryTable(props: { c: Canary; from: number; to: number }): JSX.Element {
  const { c } = props;
  return (
    <>
      <p>Canary: <Badge tone={c.verdict === "worse" ? "bad" : c.verdict === "ok" ? "ok" : "info"}>{c.verdict === "insufficient" ? "not enough calls yet" : c.verdict === "ok" ? "no regression" : "B is worse"}</Badge> <span class="muted">α per test {c.alphaPerTest.toPrecision(2)}</span></p>
      <Table caption={`Canary comparison of v${props.from} (A) and v${props.to} (B)`} rows={c.metrics} rowKey={(m) => m.metric} empty="No metrics observed yet." columns={[
        { label: "Metric", cell: (m) => `${m.metric} (${m.better} is better)` },
        { label: `A: v${props.from}`, numeric: true, cell: (m) => `${armValue(m, m.a)} · n ${m.a.n}` },
        { label: `B: v${props.to}`, numeric: true, cell: (m) => `${armValue(m, m.b)} · n ${m.b.n}` },
        { label: "Margin", numeric: true, cell: (m) => (m.margin.kind === "relative" ? `${pct(m.margin.value)} rel.` : String(m.margin.value)) },
        { label: "Test", cell: (m) => (m.test ? `p ${m.test.p.toPrecision(2)} (${m.test.method})` : "at the next scheduled look") },
        { label: "Verdict", cell: (m) => (m.breached ? <Badge tone="bad">worse</Badge> : <Badge tone="ok">within margin</Badge>) },
      ]} />
    </>
  );
}

function Diff(props: { base: string; versions: number[] }): JSX.Element {
  const newest = props.versions[0];
  const [from, setFrom] = useState(props.versions[1] ?? newest);
  const [to, setTo] = useState(newest);
  const d = useGet<{ unified: string; added: number; removed: number }>(props.versions.length > 1 ? withQuery(`${props.base}/diff`, { from, to }) : null);
  if (props.versions.length < 2) return <p class="muted">One version only: nothing to compare.</p>;
  const opts = props.versions.map((v) => <option value={v}>v{v}</option>);
  return (
    <div>
      <h2>Diff</h2>
      <div class="filters">
        <Field id="diff-from" label="From"><select id="diff-from" value={from} onChange={(e) => setFrom(Number((e.target as HTMLSelectElement).value))}>{opts}</select></Field>
        <Field id="diff-to" label="To"><select id="diff-to" value={to} onChange={(e) => setTo(Number((e.target as HTMLSelectElement).value))}>{opts}</select></Field>
      </div>
      <Async r={d}>{(x) => (
        <>
          <p class="muted">+{x.added} / −{x.removed} lines</p>
          <pre class="json diff" tabIndex={0} aria-label={`Diff from v${from} to v${to}`}>{x.unified.split("\n").map((line) => (
            <span class={line.startsWith("+") && !line.startsWith("+++") ? "add" : line.startsWith("-") && !line.startsWith("---") ? "del" : undefined}>{line}{"\n"}</span>
          ))}</pre>
        </>
      )}</Async>
    </div>
  );
}

/** A modal confirmation: nothing moves until the user confirms; Escape or Cancel leaves the label alone. */
function RollbackDialog(props: { name: string; label: Label; versions: Version[]; onClose: (done: string | null) => void }): JSX.Element {
  const older = props.versions.filter((v) => v.version !== props.label.version);
  const [to, setTo] = useState<string>("");
  const [reason, setReason] = useState("");
  const confirm = async (): Promise<string> => {
    const r = await api<{ from_version: number; version: number }>("POST", `/api/v1/prompts/${encodeURIComponent(props.name)}/rollback`, {
      label: props.label.label, ...(to ? { to: Number(to) } : {}), ...(reason ? { reason } : {}),
    });
    return `Rolled back ${props.name}@${props.label.label}: v${r.from_version} → v${r.version}.`;
  };
  return (
    <ModalForm id="rb" title={`Roll back ${props.name}@${props.label.label}?`} submitLabel="Confirm rollback" danger onSubmit={confirm} onClose={props.onClose}>
      <p>The label serves v{props.label.version} now. Requests using this label switch as soon as you confirm.</p>
      <Field id="rb-to" label="Roll back to">
        <select id="rb-to" value={to} onChange={(e) => setTo((e.target as HTMLSelectElement).value)}>
          <option value="">the label's previous version</option>
          {older.map((v) => <option value={v.version}>v{v.version}{v.message ? ` — ${v.message}` : ""}</option>)}
        </select>
      </Field>
      <Field id="rb-reason" label="Reason (recorded in the audit log)"><input id="rb-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} /></Field>
    </ModalForm>
  );
}

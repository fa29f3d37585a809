import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, canWrite } from "../api.js";
import { Async, Badge, Link, Table, useGet } from "../components.js";
import { text, when } from "../format.js";

interface AlertView { rule: { name: string; owner: string; metric: string; description?: string }; source: string; state: { status: string; since: number; value: number | null; baseline: number | null; ackedBy: string | null; silencedUntil: number | null } }
interface Incident { id: string; rule: { name: string; owner: string; metric: string }; fired_at: number; resolved_at: number | null; value: number | null; baseline: number | null }
interface Change { at: number; kind: string; action: string; target: string; actor: string; summary: string }
interface Report extends Incident { regressions: { dim: string; value: string; [k: string]: unknown }[]; candidate_causes: { event: Change; score: number; minutes_before: number; matched: { dim: string; value: string } | null }[] }

const val = (n: number | null): string => (n === null ? "—" : Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3));

export function AlertsPage(): JSX.Element {
  const alerts = useGet<{ data: AlertView[] }>("/api/v1/alerts");
  const incidents = useGet<{ data: Incident[] }>("/api/v1/incidents");
  const changes = useGet<{ data: Change[] }>("/api/v1/changes?since=7d");
  const [error, setError] = useState<string | null>(null);
  const ack = async (name: string): Promise<void> => {
    try {
      await api("POST", `/api/v1/alerts/${encodeURIComponent(name)}/ack`);
      setError(null);
      alerts.reload();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <section aria-labelledby="alerts-h">
      <h1 id="alerts-h">Alerts and incidents</h1>
      <h2>Alert rules</h2>
      {error ? <p class="error" role="alert">{error}</p> : null}
      <Async r={alerts}>{(d) => {
        const rows = [...d.data].sort((a, b) => Number(b.state.status === "firing") - Number(a.state.status === "firing"));
        const open = new Map((incidents.data?.data ?? []).filter((i) => i.resolved_at === null).map((i) => [i.rule.name, i.id]));
        const firing = rows.filter((a) => a.state.status === "firing").length;
        return (
          <>
          <p>{firing === 0 ? <Badge tone="ok">nothing firing</Badge> : <Badge tone="bad">{firing} firing</Badge>}</p>
          <Table caption="Alert rules, firing first" rows={rows} rowKey={(a) => a.rule.name} empty="No alert rules configured." columns={[
            { label: "Rule", cell: (a) => a.rule.name },
            { label: "State", cell: (a) => <Badge tone={a.state.status === "firing" ? "bad" : a.state.status === "ok" ? "ok" : "warn"}>{a.state.status}</Badge> },
            { label: "Owner", cell: (a) => a.rule.owner },
            { label: "Metric", cell: (a) => a.rule.metric },
            { label: "Value / baseline", numeric: true, cell: (a) => `${val(a.state.value)} / ${val(a.state.baseline)}` },
            { label: "Since", cell: (a) => when(a.state.since) },
            { label: "Acked by", cell: (a) => (a.state.ackedBy ? a.state.ackedBy
              : a.state.status === "firing" && canWrite() ? <button type="button" class="small" onClick={() => void ack(a.rule.name)} aria-label={`Acknowledge ${a.rule.name}`}>Acknowledge</button> : "—") },
            { label: "Incident", cell: (a) => (open.has(a.rule.name) ? <Link to={`/alerts/incidents/${encodeURIComponent(open.get(a.rule.name)!)}`}>open incident</Link> : "—") },
          ]} />
          </>
        );
      }}</Async>
      <h2>Incidents</h2>
      <Async r={incidents}>{(d) => (
        <Table caption="Incidents, newest first" rows={d.data} rowKey={(i) => i.id} empty="No incidents." columns={[
          { label: "Incident", cell: (i) => <Link to={`/alerts/incidents/${encodeURIComponent(i.id)}`}>{i.rule.name}</Link> },
          { label: "Owner", cell: (i) => i.rule.owner },
          { label: "Fired", cell: (i) => when(i.fired_at) },
          { label: "Resolved", cell: (i) => (i.resolved_at ? when(i.resolved_at) : <Badge tone="bad">open</Badge>) },
          { label: "Value / baseline", numeric: true, cell: (i) => `${val(i.value)} / ${val(i.baseline)}` },
        ]} />
      )}</Async>
      <h2>Change timeline (7 days)</h2>
      <Async r={changes}>{(d) => <ChangeTable rows={d.data} />}</Async>
    </section>
  );
}

function ChangeTable(props: { rows: Change[] }): JSX.Element {
  return (
    <Table caption="Changes, newest first" rows={[...props.rows].sort((a, b) => b.at - a.at)} empty="No changes recorded." columns={[
      { label: "When", cell: (c) => when(c.at) },
      { label: "Kind", cell: (c) => <Badge>{c.kind}</Badge> },
      { label: "Change", cell: (c) => c.summary || `${c.action} ${c.target}` },
      { label: "Actor", cell: (c) => c.actor },
    ]} />
  );
}

export function IncidentPage(props: { id: string }): JSX.Element {
  const r = useGet<Report>(`/api/v1/incidents/${encodeURIComponent(props.id)}`);
  return (
    <section aria-labelledby="inc-h">
      <p><Link to="/alerts">← Alerts and incidents</Link></p>
      <Async r={r}>{(i) => (
        <>
          <h1 id="inc-h">Incident: {i.rule.name}</h1>
          <p>Owner {i.rule.owner} · fired {when(i.fired_at)} · {i.resolved_at ? `resolved ${when(i.resolved_at)}` : "open"} · {i.rule.metric} {val(i.value)} (baseline {val(i.baseline)})</p>
          <h2>Regressed slices</h2>
          <Table caption="Slices that regressed, worst first" rows={i.regressions} empty="No slice stood out." columns={[
            { label: "Dimension", cell: (s) => s.dim },
            { label: "Value", cell: (s) => s.value },
            { label: "Detail", cell: (s) => text(Object.fromEntries(Object.entries(s).filter(([k]) => k !== "dim" && k !== "value"))) },
          ]} />
          <h2>Candidate causes</h2>
          <Table caption="Changes before the alert, most likely cause first" rows={i.candidate_causes} empty="No changes before this incident." columns={[
            { label: "Score", numeric: true, cell: (c) => c.score.toFixed(2) },
            { label: "Change", cell: (c) => c.event.summary || `${c.event.action} ${c.event.target}` },
            { label: "Before firing", numeric: true, cell: (c) => `${Math.round(c.minutes_before)} min` },
            { label: "Touches regressed slice", cell: (c) => (c.matched ? <Badge tone="bad">{c.matched.dim}={c.matched.value}</Badge> : "—") },
            { label: "Actor", cell: (c) => c.event.actor },
          ]} />
        </>
      )}</Async>
    </section>
  );
}

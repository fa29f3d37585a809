import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get, withQuery } from "../api.js";
import { Async, Badge, Field, Link, Table, useGet } from "../components.js";
import { count, ms, text, usd, when } from "../format.js";
import { LinkedSpans } from "./spans.js";
import { MarkDialog, type Verdict } from "./guard.js";
import { canWrite } from "../api.js";

export interface TraceRow {
  id: string;
  started_at: string;
  endpoint: string;
  key_id: string | null;
  user: string | null;
  feature: string | null;
  model_requested: string | null;
  model_served: string | null;
  provider: string | null;
  status: "ok" | "error" | "cancelled";
  http_status: number;
  error_code: string | null;
  error_message: string | null;
  latency_ms: number;
  ttft_ms: number | null;
  tokens_in: number | null;
  tokens_out: number | null;
  tokens_cached: number | null;
  cost_usd: number | null;
  stream: boolean;
  /** Bodies stored under `capture.pii: keep`: personal data unmasked (docs/privacy.md). */
  pii_kept?: boolean;
  attempts: { target: string; provider: string; model: string; duration_ms: number; outcome: string; error_code: string | null; upstream_status: number | null; error: string | null; wait_ms: number; start_ms: number; ttft_ms: number | null }[];
  guard: { scanner: string; source: string; score: number; triggered: boolean; action: string; latency_ms: number; findings?: string[] }[] | null;
  prompt: { name: string; version: number | null; label: string | null } | null;
  metadata: Record<string, unknown> | null;
  /** The W3C trace this call belongs to (the caller's traceparent, or Keel's own). */
  trace_id: string | null;
  parent_span_id: string | null;
  request?: unknown;
  response?: unknown;
}

const SINCE: Record<string, number> = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };

export function TracesPage(): JSX.Element {
  const [f, setF] = useState({ model: "", status: "", feature: "", user: "", key: "", since: "24h", search: "" });
  const [rows, setRows] = useState<TraceRow[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const query = (cursor?: string): string => withQuery("/api/v1/traces", {
    model: f.model, status: f.status, feature: f.feature, user: f.user, key: f.key, limit: 100, cursor,
    since: String(Date.now() - SINCE[f.since]),
  });
  const load = (cursor?: string): void => {
    setLoading(true);
    get<{ data: TraceRow[]; next_cursor: string | null }>(query(cursor)).then((r) => {
      setRows((old) => (cursor ? [...old, ...r.data] : r.data));
      setNext(r.next_cursor);
      setError(null);
    }, (e: Error) => setError(e.message)).finally(() => setLoading(false));
  };
  useEffect(() => load(), [f.model, f.status, f.feature, f.user, f.key, f.since]);
  const set = (k: keyof typeof f) => (e: Event): void => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  const needle = f.search.trim().toLowerCase();
  const shown = needle ? rows.filter((r) => [r.id, r.model_requested, r.model_served, r.feature, r.user, r.key_id, r.error_code, r.prompt?.name].some((v) => v?.toLowerCase().includes(needle))) : rows;

  return (
    <section aria-labelledby="traces-h">
      <h1 id="traces-h">Traces</h1>
      <form class="filters" onSubmit={(e) => (e.preventDefault(), load())} aria-label="Trace filters">
        <Field id="tf-search" label="Search loaded traces"><input id="tf-search" type="search" value={f.search} onInput={set("search")} placeholder="id, model, feature, user…" /></Field>
        <Field id="tf-model" label="Model"><input id="tf-model" value={f.model} onChange={set("model")} /></Field>
        <Field id="tf-status" label="Status">
          <select id="tf-status" value={f.status} onChange={set("status")}><option value="">any</option><option value="ok">ok</option><option value="error">error</option><option value="cancelled">cancelled</option></select>
        </Field>
        <Field id="tf-feature" label="Feature"><input id="tf-feature" value={f.feature} onChange={set("feature")} /></Field>
        <Field id="tf-user" label="User"><input id="tf-user" value={f.user} onChange={set("user")} /></Field>
        <Field id="tf-key" label="Key id"><input id="tf-key" value={f.key} onChange={set("key")} /></Field>
        <Field id="tf-since" label="Time range">
          <select id="tf-since" value={f.since} onChange={set("since")}>{Object.keys(SINCE).map((k) => <option value={k}>last {k}</option>)}</select>
        </Field>
      </form>
      {error ? <p class="error" role="alert">Could not load traces: {error}</p> : null}
      <p class="muted" aria-live="polite">{loading ? "Loading…" : `${shown.length} of ${rows.length} loaded trace${rows.length === 1 ? "" : "s"}`}</p>
      <Table caption="Traces, newest first" rows={shown} rowKey={(r) => r.id} empty={loading ? "" : "No traces match."} columns={[
        { label: "Time", cell: (r) => <Link to={`/traces/${encodeURIComponent(r.id)}`}>{when(r.started_at)}</Link> },
        { label: "Status", cell: (r) => <>{r.status === "ok" ? <Badge tone="ok">{r.http_status}</Badge> : <Badge tone="bad">{r.http_status} {r.error_code ?? ""}</Badge>}{r.pii_kept ? <Badge tone="warn">PII kept</Badge> : null}</> },
        { label: "Model", cell: (r) => text(r.model_served ?? r.model_requested) },
        { label: "Prompt", cell: (r) => (r.prompt ? `${r.prompt.name}@v${r.prompt.version ?? "?"}` : "—") },
        { label: "Feature", cell: (r) => text(r.feature) },
        { label: "User", cell: (r) => text(r.user) },
        { label: "Latency", numeric: true, cell: (r) => ms(r.latency_ms) },
        { label: "TTFT", numeric: true, cell: (r) => ms(r.ttft_ms) },
        { label: "Tokens in/out", numeric: true, cell: (r) => `${count(r.tokens_in)} / ${count(r.tokens_out)}` },
        { label: "Cost", numeric: true, cell: (r) => usd(r.cost_usd) },
        { label: "Guard", cell: (r) => <GuardCell guard={r.guard} /> },
        { label: "Attempts", numeric: true, cell: (r) => r.attempts.length },
      ]} />
      {next ? <button type="button" onClick={() => load(next)} disabled={loading}>Load more</button> : null}
    </section>
  );
}

/** The strongest action a guardrail took on the call; `log`-only triggers do not count, as in the summaries. */
function GuardCell(props: { guard: TraceRow["guard"] }): JSX.Element {
  const acted = new Set((props.guard ?? []).filter((g) => g.triggered && g.action !== "log").map((g) => g.action));
  const top = ["block", "redact", "flag"].find((a) => acted.has(a)) ?? [...acted][0];
  if (!top) return <>—</>;
  return <Badge tone={top === "block" ? "bad" : "warn"}>{top === "block" ? "blocked" : top === "redact" ? "redacted" : top}</Badge>;
}

// Masks written by secret redaction ([REDACTED:kind]), guard redaction ([EMAIL_1]), capture.pii
// ([PII:email], [PII:email:1f0c…]) and capture truncation.
const MARK = /(\[REDACTED:[\w.-]+\]|\[[A-Z][A-Z0-9_]*\]|\[PII:[a-z_]+(?::[0-9a-f]{16})?\]|…\[truncated \d+ chars\])/g;

function Captured(props: { value: unknown; label: string }): JSX.Element {
  if (props.value === null || props.value === undefined) return <p class="muted">Not captured (the capture policy may be <code>none</code>).</p>;
  const s = typeof props.value === "string" ? props.value : JSON.stringify(props.value, null, 2);
  const parts = s.split(MARK);
  const marks = parts.filter((_, i) => i % 2 === 1).length;
  return (
    <>
      {marks > 0 ? <p class="muted">{marks} redaction{marks === 1 ? "" : "s"} shown as <mark class="redaction">[MASK]</mark>.</p> : null}
      <pre class="json" tabIndex={0} aria-label={props.label}>{parts.map((p, i) => (i % 2 === 1 ? <mark class="redaction" title="redacted before storage">{p}</mark> : p))}</pre>
    </>
  );
}

export function TraceDetailPage(props: { id: string }): JSX.Element {
  const r = useGet<TraceRow>(`/api/v1/traces/${encodeURIComponent(props.id)}`);
  const [marking, setMarking] = useState<Verdict | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby="trace-h">
      <p><Link to="/traces">← All traces</Link></p>
      <h1 id="trace-h">Trace <code>{props.id}</code></h1>
      <Async r={r}>{(t) => (
        <>
          <dl class="facts">
            <dt>Started</dt><dd>{when(t.started_at)}</dd>
            <dt>Status</dt><dd>{t.status === "ok" ? <Badge tone="ok">ok {t.http_status}</Badge> : <Badge tone="bad">{t.http_status} {t.error_code}</Badge>}{t.error_message ? ` — ${t.error_message}` : ""}</dd>
            <dt>Endpoint</dt><dd>{t.endpoint}{t.stream ? " (stream)" : ""}</dd>
            <dt>Personal data</dt><dd>{t.pii_kept
              ? <Badge tone="warn">PII kept</Badge>
              : "masked at rest"}{t.pii_kept ? " — stored unmasked under capture.pii: keep" : ""}</dd>
            <dt>Model</dt><dd>{text(t.model_requested)} → {text(t.model_served)} via {text(t.provider)}</dd>
            <dt>Prompt</dt><dd>{t.prompt ? <Link to={`/prompts/${encodeURIComponent(t.prompt.name)}`}>{t.prompt.name}@v{t.prompt.version}{t.prompt.label ? ` (${t.prompt.label})` : ""}</Link> : "—"}</dd>
            <dt>Latency / TTFT</dt><dd>{ms(t.latency_ms)} / {ms(t.ttft_ms)}</dd>
            <dt>Tokens</dt><dd>{count(t.tokens_in)} in, {count(t.tokens_out)} out, {count(t.tokens_cached)} cached</dd>
            <dt>Cost</dt><dd>{usd(t.cost_usd)}</dd>
            <dt>Key / user / feature</dt><dd>{text(t.key_id)} / {text(t.user)} / {text(t.feature)}</dd>
          </dl>
          <h2>Attempts and failovers</h2>
          <Table caption="Attempts in order" rows={t.attempts} empty="No upstream attempts (answered before routing)." columns={[
            { label: "#", numeric: true, cell: (a) => t.attempts.indexOf(a) + 1 },
            { label: "Target", cell: (a) => a.target },
            { label: "Provider / model", cell: (a) => `${a.provider} / ${a.model}` },
            { label: "Outcome", cell: (a) => <Badge tone={a.outcome === "ok" ? "ok" : "bad"}>{a.outcome}</Badge> },
            { label: "Upstream", cell: (a) => text(a.upstream_status) },
            { label: "Wait", numeric: true, cell: (a) => ms(a.wait_ms) },
            { label: "Duration", numeric: true, cell: (a) => ms(a.duration_ms) },
            { label: "Error", cell: (a) => text(a.error ?? a.error_code) },
          ]} />
          <h2>Agent spans</h2>
          {t.trace_id
            ? <LinkedSpans traceId={t.trace_id} current={t.id} />
            : <p class="muted">This call carried no trace context.</p>}
          <h2>Guard verdicts</h2>
          <Table caption="Guard verdicts" rows={t.guard ?? []} empty="No guardrails ran on this call." columns={[
            { label: "Scanner", cell: (g) => g.scanner },
            { label: "Source", cell: (g) => g.source },
            { label: "Triggered", cell: (g) => (g.triggered ? <Badge tone="warn">yes</Badge> : "no") },
            { label: "Action", cell: (g) => g.action },
            { label: "Score", numeric: true, cell: (g) => g.score.toFixed(2) },
            { label: "Latency", numeric: true, cell: (g) => ms(g.latency_ms) },
            { label: "Findings", cell: (g) => text(g.findings?.join(", ")) },
            ...(canWrite() ? [{ label: "Review", cell: (g: NonNullable<TraceRow["guard"]>[number]) => (g.triggered && g.action !== "log"
              ? <button type="button" class="small" onClick={() => setMarking({ traceId: t.id, scanner: g.scanner, source: g.source, action: g.action })} aria-label={`Mark ${g.scanner} on ${g.source} as a false positive`}>False positive…</button>
              : "") }] : []),
          ]} />
          {notice ? <p class="notice" role="status">{notice} <Link to="/guard">See the review list</Link>.</p> : null}
          {marking ? <MarkDialog verdict={marking} onClose={(msg) => (setMarking(null), msg ? setNotice(msg) : undefined)} /> : null}
          <h2>Request</h2>
          <Captured value={t.request} label="Request body" />
          <h2>Response</h2>
          <Captured value={t.response} label="Response body" />
        </>
      )}</Async>
    </section>
  );
}

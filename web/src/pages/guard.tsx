import type { JSX } from "preact";
import { useMemo, useState } from "preact/hooks";
import { api, canWrite, withQuery } from "../api.js";
import { Async, Badge, Field, Link, ModalForm, Table, useGet } from "../components.js";
import { count, ms, pct, text, when } from "../format.js";
import type { TraceRow } from "./traces.js";

interface Stat { scanner: string; route: string; screened: number; triggered: number; trigger_rate: number; actions: { block: number; redact: number; flag: number; log: number }; avg_latency_ms: number; max_latency_ms: number; false_positives?: number }
interface Review {
  id: string; trace_id: string; scanner: string; source: string; action: string; score: number; findings: string[] | null;
  model: string | null; route: string | null; trace_started_at: string; excerpt: string | null; note: string | null;
  marked_by: string; marked_at: string; status: "open" | "confirmed" | "rejected";
  resolved_by: string | null; resolved_at: string | null; resolution_note: string | null;
}
/** One triggered verdict a person may dispute. */
export interface Verdict { traceId: string; scanner: string; source: string; action: string }

const RANGES: Record<string, number> = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 };
const STATUSES = ["open", "confirmed", "rejected", "all"] as const;
/** Most review items the page reads (the API's maximum); older ones are on `keel guard reviews`. */
const REVIEWS = 500;

export function GuardPage(): JSX.Element {
  const [since, setSince] = useState("24h");
  // Fixed when the range is chosen: a `since` recomputed every render would refetch forever.
  const from = useMemo(() => String(Date.now() - RANGES[since]), [since]);
  const stats = useGet<{ data: Stat[] }>(withQuery("/api/v1/guard/stats", { since: from }));
  const traces = useGet<{ data: TraceRow[] }>(withQuery("/api/v1/traces", { since: from, limit: 1000 }));
  const [status, setStatus] = useState<(typeof STATUSES)[number]>("open");
  // One read of every mark: the table filters it by status, and a verdict already marked (whatever
  // its status) is never offered for marking again.
  const reviews = useGet<{ data: Review[]; next_cursor: string | null }>(withQuery("/api/v1/guard/reviews", { status: "all", limit: REVIEWS }));
  const [marking, setMarking] = useState<Verdict | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const marked = new Set((reviews.data?.data ?? []).map((r) => `${r.trace_id}/${r.scanner}/${r.source}`));
  const writer = canWrite();
  return (
    <section aria-labelledby="guard-h">
      <h1 id="guard-h">Guardrails</h1>
      {notice ? <p class="notice" role="status">{notice}</p> : null}
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
          { label: "Marked false positive", numeric: true, cell: (s) => count(s.false_positives ?? null) },
          { label: "Avg / max latency", numeric: true, cell: (s) => `${ms(s.avg_latency_ms)} / ${ms(s.max_latency_ms)}` },
        ]} />
      )}</Async>
      <h2>Recent blocks and redactions</h2>
      <Async r={traces}>{(d) => {
        const hits = d.data.filter((t) => t.guard?.some((g) => g.triggered && (g.action === "block" || g.action === "redact"))).slice(0, 50);
        return (
          <Table caption="Recent calls a guardrail blocked or redacted" rows={hits} rowKey={(t) => t.id} empty="No blocks or redactions among recent calls." columns={[
            { label: "Time", cell: (t) => <Link to={`/traces/${encodeURIComponent(t.id)}`}>{when(t.started_at)}</Link> },
            { label: "Verdicts", cell: (t) => t.guard!.filter((g) => g.triggered && g.action !== "log").map((g) => {
              const key = `${t.id}/${g.scanner}/${g.source}`;
              return (
                <div key={key} class="verdict">
                  <Badge tone={g.action === "block" ? "bad" : "warn"}>{g.scanner} ({g.source}): {g.action}</Badge>
                  {marked.has(key) ? <Badge tone="info">marked false positive</Badge>
                    : writer ? <button type="button" class="small" onClick={() => setMarking({ traceId: t.id, scanner: g.scanner, source: g.source, action: g.action })} aria-label={`Mark ${g.scanner} on ${g.source} as a false positive`}>False positive…</button> : null}
                </div>
              );
            }) },
            { label: "Model", cell: (t) => t.model_requested ?? "—" },
            { label: "Status", cell: (t) => t.http_status },
          ]} />
        );
      }}</Async>
      <h2 id="reviews-h">Review list</h2>
      <p class="muted">Verdicts marked as false positives wait here for a scanner owner: <em>confirmed</em> ones become benign examples for <code>keel guard eval</code> (<code>keel guard reviews --export</code>).</p>
      <div class="filters">
        <Field id="rv-status" label="Status">
          <select id="rv-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as (typeof STATUSES)[number])}>{STATUSES.map((s) => <option value={s}>{s}</option>)}</select>
        </Field>
      </div>
      <Async r={reviews}>{(d) => (
        <Table caption="False-positive review list, newest first" rows={status === "all" ? d.data : d.data.filter((r) => r.status === status)} rowKey={(r) => r.id} empty={`No ${status === "all" ? "" : `${status} `}review items.`} columns={[
          { label: "Marked", cell: (r) => <>{when(r.marked_at)}<div class="muted">by {r.marked_by}</div></> },
          { label: "Verdict", cell: (r) => <><Badge tone={r.action === "block" ? "bad" : "warn"}>{r.scanner} ({r.source}): {r.action}</Badge> <span class="muted">score {r.score.toFixed(2)}</span></> },
          { label: "Call", cell: (r) => <Link to={`/traces/${encodeURIComponent(r.trace_id)}`}>{text(r.route ?? r.model)} · {when(r.trace_started_at)}</Link> },
          { label: "Screened text", cell: (r) => (r.excerpt ? <q class="excerpt">{r.excerpt}</q> : <span class="muted">not captured</span>) },
          { label: "Note", cell: (r) => text(r.note) },
          { label: "Status", cell: (r) => (
            <>
              <Badge tone={r.status === "open" ? "warn" : r.status === "confirmed" ? "ok" : "info"}>{r.status}</Badge>
              {r.resolved_by ? <div class="muted">{r.resolved_by}, {when(r.resolved_at)}{r.resolution_note ? `: ${r.resolution_note}` : ""}</div> : null}
            </>
          ) },
          ...(writer ? [{ label: "Resolve", cell: (r: Review) => (r.status !== "open" ? "—" : <ResolveButtons review={r} onDone={(msg) => (setNotice(msg), reviews.reload(), stats.reload())} />) }] : []),
        ]} />
      )}</Async>
      {marking ? <MarkDialog verdict={marking} onClose={(msg) => {
        setMarking(null);
        if (msg) (setNotice(msg), reviews.reload(), stats.reload());
      }} /> : null}
    </section>
  );
}

function ResolveButtons(props: { review: Review; onDone: (msg: string) => void }): JSX.Element {
  const [error, setError] = useState<string | null>(null);
  const resolve = (resolution: "confirmed" | "rejected") => async (): Promise<void> => {
    try {
      await api("POST", `/api/v1/guard/reviews/${encodeURIComponent(props.review.id)}/resolve`, { resolution });
      props.onDone(`${props.review.scanner} on ${props.review.source}: ${resolution === "confirmed" ? "confirmed as a false positive" : "the trigger was right"}.`);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const what = `${props.review.scanner} on ${props.review.source}`;
  return (
    <div class="row-actions">
      <button type="button" class="small" onClick={resolve("confirmed")} aria-label={`Confirm false positive: ${what}`}>Confirm</button>
      <button type="button" class="small" onClick={resolve("rejected")} aria-label={`Reject: the ${what} trigger was right`}>Reject</button>
      {error ? <p class="error" role="alert">{error}</p> : null}
    </div>
  );
}

/** Marks one verdict as a false positive, with an optional note; Escape or Cancel changes nothing. */
export function MarkDialog(props: { verdict: Verdict; onClose: (done: string | null) => void }): JSX.Element {
  const [note, setNote] = useState("");
  const v = props.verdict;
  const submit = async (): Promise<string> => {
    await api("POST", "/api/v1/guard/false-positives", { trace_id: v.traceId, scanner: v.scanner, source: v.source, ...(note.trim() ? { note: note.trim() } : {}) });
    return `Marked ${v.scanner} on ${v.source} as a false positive; it is on the review list.`;
  };
  return (
    <ModalForm id="fp" title="Mark as a false positive?" submitLabel="Mark false positive" onSubmit={submit} onClose={props.onClose}>
      <p>The <strong>{v.scanner}</strong> scanner's <strong>{v.action}</strong> on the {v.source} of this call goes on the review list for its owner.</p>
      <Field id="fp-note" label="Why is it wrong? (optional, up to 1000 characters)">
        <textarea id="fp-note" rows={3} maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
      </Field>
    </ModalForm>
  );
}

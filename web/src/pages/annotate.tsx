import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { get } from "../api.js";
import { Async, Badge, Link, Table, useGet } from "../components.js";
import { count } from "../format.js";
import { type ItemState, stateName } from "./annotate-item.js";
import { type QueueView, Work } from "./annotate-work.js";
import "./annotate.css";

type Estimate = { value: number | null; reason?: string };
interface AgreementReport {
  labels: number; overall: number | null; min_agreement: number | null; meets_threshold: boolean;
  dimensions: { dimension: string; metric: string; units: number; alpha: Estimate; alpha_ci: { low: number; high: number; level: number } | null }[];
}

const enc = encodeURIComponent;
const STATES: ItemState[] = ["pending", "in_review", "done", "skipped"];
const fx = (n: number): string => n.toFixed(3);

/** Annotation queues: items by state, agreement per dimension with its interval, and whether the export gate is open. */
export function AnnotatePage(): JSX.Element {
  const r = useGet<{ data: QueueView[] }>("/api/v1/annotate/queues");
  const reports = useAgreements(r.data?.data.map((q) => q.name) ?? []);
  return (
    <section aria-labelledby="annotate-h">
      <h1 id="annotate-h">Annotate</h1>
      <p class="muted">Queues of traces for reviewers to label against a rubric (docs/alignment-data.md). Create one with <code>keel annotate queues --create queue.json</code>; open a queue to work through it with the keyboard.</p>
      <Async r={r}>{(d) => (
        <Table caption="Annotation queues" rows={d.data} rowKey={(q) => q.name} empty="No annotation queues yet." columns={[
          { label: "Queue", cell: (q) => <Link to={`/annotate/${enc(q.name)}`}>{q.name}</Link> },
          { label: "Items", numeric: true, cell: (q) => count(q.items) },
          ...STATES.map((s) => ({ label: stateName(s), numeric: true, cell: (q: QueueView) => count(q.states[s]) })),
          { label: "Agreement (Krippendorff's α, 95% CI)", cell: (q) => <Agreement r={reports[q.name]} /> },
          { label: "Export gate", cell: (q) => <Gate r={reports[q.name]} min={q.min_agreement} /> },
        ]} />
      )}</Async>
    </section>
  );
}

/**
 * Each queue's agreement report, one request per queue, with 200 resamples: a list page wants
 * the interval, not seconds of bootstrap per queue. A string is the error the API gave.
 */
function useAgreements(names: readonly string[]): Record<string, AgreementReport | string> {
  const [out, setOut] = useState<Record<string, AgreementReport | string>>({});
  const key = names.join("\n");
  useEffect(() => {
    let live = true;
    for (const n of names) {
      get<AgreementReport>(`/api/v1/annotate/queues/${enc(n)}/agreement?resamples=200`).then(
        (rep) => live && setOut((o) => ({ ...o, [n]: rep })),
        (err: Error) => live && setOut((o) => ({ ...o, [n]: err.message })),
      );
    }
    return () => void (live = false);
  }, [key]);
  return out;
}

function Agreement(props: { r: AgreementReport | string | undefined }): JSX.Element {
  const r = props.r;
  if (typeof r === "string") return <span class="error">{r}</span>;
  if (!r) return <span class="muted">…</span>;
  if (r.labels === 0) return <span class="muted">no labels yet</span>;
  return (
    <ul class="plain">
      {r.dimensions.map((d) => (
        <li key={d.dimension}>
          {d.dimension}: {d.alpha.value === null ? <span class="muted">undefined ({d.alpha.reason})</span>
            : <>{fx(d.alpha.value)}{d.alpha_ci ? ` [${fx(d.alpha_ci.low)}, ${fx(d.alpha_ci.high)}]` : ""}</>}
          <span class="muted"> · {d.metric}, n = {count(d.units)}</span>
        </li>
      ))}
    </ul>
  );
}

function Gate(props: { r: AgreementReport | string | undefined; min: number | null }): JSX.Element {
  if (props.min === null) return <Badge tone="info">no threshold</Badge>;
  const r = props.r;
  if (!r || typeof r === "string") return <span class="muted">…</span>;
  return r.meets_threshold
    ? <Badge tone="ok">open: α {fx(r.overall ?? 0)} ≥ {props.min}</Badge>
    : <Badge tone="bad">closed: α {r.overall === null ? `undefined (needs ≥ ${props.min})` : `${fx(r.overall)} < ${props.min}`}</Badge>;
}

/** A queue: pick who you are, then work through its items. */
export function AnnotateQueuePage(props: { queue: string; reviewer?: string }): JSX.Element {
  const r = useGet<QueueView>(`/api/v1/annotate/queues/${enc(props.queue)}`);
  return (
    <section aria-labelledby="queue-h">
      <p><Link to="/annotate">← Queues</Link></p>
      <h1 id="queue-h">Queue {props.queue}{props.reviewer ? ` · ${props.reviewer}` : ""}</h1>
      <Async r={r}>{(q) => {
        const me = q.reviewers.find((x) => x.name === props.reviewer);
        if (!me) return <ReviewerPicker q={q} unknown={props.reviewer} />;
        return <Work key={`${q.name}/${me.name}`} q={q} reviewer={me} />;
      }}</Async>
    </section>
  );
}

function ReviewerPicker(props: { q: QueueView; unknown?: string }): JSX.Element {
  return (
    <>
      {props.q.description ? <p>{props.q.description}</p> : null}
      {props.unknown ? <p class="error" role="alert">"{props.unknown}" is not a reviewer of this queue.</p> : null}
      <h2>Who is reviewing?</h2>
      <p class="muted">Every label records its reviewer and their expertise. {props.q.reviewers_per_item} label{props.q.reviewers_per_item === 1 ? "" : "s"} make an item done.</p>
      <ul class="plain">
        {props.q.reviewers.map((r) => (
          <li key={r.name}><Link to={`/annotate/${enc(props.q.name)}/${enc(r.name)}`}>Review as {r.name}</Link> <Badge tone={r.expertise === "expert" ? "ok" : "info"}>{r.expertise}</Badge></li>
        ))}
      </ul>
    </>
  );
}

/** `/annotate`, `/annotate/:queue`, `/annotate/:queue/:reviewer`. */
export function AnnotateRoute(props: { seg: string[] }): JSX.Element {
  return props.seg[1] ? <AnnotateQueuePage queue={props.seg[1]} reviewer={props.seg[2]} /> : <AnnotatePage />;
}

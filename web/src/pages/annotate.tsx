import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, canWrite, get } from "../api.js";
import { Async, Badge, Link, Table, useGet } from "../components.js";
import { count } from "../format.js";
import { choiceForKey, choices, type Dimension } from "./annotate-keys.js";
import { type ItemDetail, ItemPane, type ItemState, STATE_TONE, stateName } from "./annotate-item.js";
import { dimControlId, type Draft, emptyDraft, type FormError, KeyHints, RubricForm } from "./annotate-rubric.js";
import "./annotate.css";

interface Reviewer { name: string; expertise: "expert" | "generalist" }
interface QueueView {
  name: string; description: string | null; rubric: { dimensions: Dimension[]; critique: "required" | "optional" };
  reviewers: Reviewer[]; reviewers_per_item: number; min_agreement: number | null; licence: string | null; items: number; states: Record<ItemState, number>;
}
type Estimate = { value: number | null; reason?: string };
interface AgreementReport {
  labels: number; overall: number | null; min_agreement: number | null; meets_threshold: boolean;
  dimensions: { dimension: string; metric: string; units: number; alpha: Estimate; alpha_ci: { low: number; high: number; level: number } | null }[];
}
interface ItemSummary { id: string; trace_id: string; position: number; state: ItemState; labels: number; labelled?: boolean }

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

/** The first item after `from` (wrapping) this reviewer still has to label: open, and not labelled by them. */
function nextOpen(items: readonly ItemSummary[], from: number): number {
  for (let k = 1; k <= items.length; k++) {
    const i = (from + k) % items.length;
    const it = items[i];
    if ((it.state === "pending" || it.state === "in_review") && !it.labelled) return i;
  }
  return -1;
}

const isTextBox = (el: Element | null): boolean => !!el && (el.tagName === "TEXTAREA" || el.tagName === "SELECT" || (el.tagName === "INPUT" && (el as HTMLInputElement).type !== "radio"));

function Work(props: { q: QueueView; reviewer: Reviewer }): JSX.Element {
  const { q, reviewer } = props;
  const base = `/api/v1/annotate/queues/${enc(q.name)}`;
  const list = useGet<{ data: ItemSummary[] }>(`${base}/items?reviewer=${enc(reviewer.name)}`);
  const items = list.data?.data ?? [];
  const [cur, setCur] = useState<string | null>(null);
  const detail = useGet<ItemDetail>(cur ? `${base}/items/${enc(cur)}?reviewer=${enc(reviewer.name)}` : null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [focused, setFocused] = useState(0);
  const [error, setError] = useState<FormError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dims = q.rubric.dimensions;
  const index = items.findIndex((i) => i.id === cur);
  const d = detail.data && detail.data.item.id === cur ? detail.data : null;

  // Start at the first item left for this reviewer (or the first item when none is).
  useEffect(() => {
    if (cur === null && items.length) setCur(items[Math.max(0, nextOpen(items, -1))].id);
  }, [items, cur]);

  // A reviewer's own earlier label is where a draft starts; what they type is kept per item.
  const own = d?.labels.find((l) => l.reviewer === reviewer.name);
  const draft: Draft = (cur && drafts[cur]) || (own
    ? { values: Object.fromEntries(Object.entries(own.values).map(([k, v]) => [k, String(v)])), critique: own.critique ?? "", correction: own.correction ?? "" }
    : emptyDraft());
  const setDraft = (next: Draft): void => void (cur && setDrafts((all) => ({ ...all, [cur]: next })));

  const focusDim = (i: number): void => {
    const k = Math.max(0, Math.min(dims.length - 1, i));
    setFocused(k);
    const cs = choices(dims[k].scale);
    const picked = draft.values[dims[k].name];
    const id = cs ? dimControlId(k, cs.some((c) => String(c.value) === picked) ? picked : cs[0].value) : dimControlId(k);
    document.getElementById(id)?.focus();
  };
  const go = (i: number): void => {
    if (i < 0 || i >= items.length) return;
    setCur(items[i].id);
    setError(null);
    setFocused(0);
  };
  // After a label or skip: on to the next open item, with the list re-read for the new states.
  const advance = (done: string): void => {
    const marked = items.map((i) => (i.id === done ? { ...i, labelled: true } : i));
    const n = nextOpen(marked, index);
    if (n >= 0 && marked[n].id !== done) go(n);
    else detail.reload();
    list.reload();
  };

  const submit = async (): Promise<void> => {
    if (!cur || busy) return;
    const values: Record<string, string | number> = {};
    for (const dim of dims) {
      const v = draft.values[dim.name];
      if (v === undefined || v.trim() === "") continue;
      values[dim.name] = dim.scale.kind === "nominal" ? v : Number(v);
    }
    const body = { reviewer: reviewer.name, values, ...(draft.critique.trim() ? { critique: draft.critique } : {}), ...(draft.correction.trim() ? { correction: draft.correction } : {}) };
    setBusy(true);
    try {
      const res = await api<{ state: ItemState }>("POST", `${base}/items/${enc(cur)}/labels`, body);
      setNotice(`Saved ${reviewer.name}'s label on ${cur}: now ${stateName(res.state)}.`);
      setError(null);
      setDrafts((all) => {
        const { [cur]: _gone, ...rest } = all;
        return rest;
      });
      advance(cur);
    } catch (err) {
      // The draft stays as typed: the reviewer corrects the field named and submits again.
      setError({ message: (err as Error).message, param: err instanceof ApiError ? err.param : null });
      setNotice(null);
    }
    setBusy(false);
  };
  const skip = async (): Promise<void> => {
    if (!cur || busy) return;
    setBusy(true);
    try {
      await api("POST", `${base}/items/${enc(cur)}/skip`);
      setNotice(`Skipped ${cur}.`);
      setError(null);
      advance(cur);
    } catch (err) {
      setError({ message: (err as Error).message, param: err instanceof ApiError ? err.param : null });
      setNotice(null);
    }
    setBusy(false);
  };

  // The work view's keys, read at the document so they work wherever focus is on the page.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e: KeyboardEvent): void => {
    if (e.altKey || e.defaultPrevented || document.querySelector("dialog[open]")) return;
    // A viewer key only reads: it moves through the queue and changes nothing.
    if (!canWrite() && !["j", "J", "k", "K", "ArrowLeft", "ArrowRight"].includes(e.key)) return;
    const t = document.activeElement;
    if (isTextBox(t)) {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey || t?.tagName === "INPUT")) return void (e.preventDefault(), submit());
      if (e.key === "Escape") return void (e.preventDefault(), focusDim(focused));
      return;
    }
    if (e.ctrlKey || e.metaKey) return;
    // Links and buttons keep Enter and Space: they are what the user pointed at.
    const onControl = !!t && (t.tagName === "A" || t.tagName === "BUTTON");
    const dim = dims[focused];
    const cs = dim ? choices(dim.scale) : null;
    const pick = cs && e.key.length === 1 ? choiceForKey(cs, e.key) : undefined;
    if (pick && dim) {
      e.preventDefault();
      setDraft({ ...draft, values: { ...draft.values, [dim.name]: String(pick.value) } });
      document.getElementById(dimControlId(focused, pick.value))?.focus();
      return;
    }
    switch (e.key) {
      case "Enter": if (!onControl) { e.preventDefault(); void submit(); } return;
      case "s": case "S": e.preventDefault(); void skip(); return;
      case "j": case "J": case "ArrowRight": e.preventDefault(); go(index + 1); return;
      case "k": case "K": case "ArrowLeft": e.preventDefault(); go(index - 1); return;
      case "ArrowDown": e.preventDefault(); focusDim(focused + 1); return;
      case "ArrowUp": e.preventDefault(); focusDim(focused - 1); return;
    }
  };
  useEffect(() => {
    const on = (e: KeyboardEvent): void => keys.current(e);
    document.addEventListener("keydown", on);
    return () => document.removeEventListener("keydown", on);
  }, []);
  // On a new item, focus goes to the first dimension so the keys apply at once.
  useEffect(() => {
    if (d && canWrite()) focusDim(0);
  }, [d?.item.id]);

  const left = items.filter((i) => (i.state === "pending" || i.state === "in_review") && !i.labelled).length;
  return (
    <>
      <p class="muted">
        Reviewing as <strong>{reviewer.name}</strong> <Badge tone={reviewer.expertise === "expert" ? "ok" : "info"}>{reviewer.expertise}</Badge>
        {" · "}{count(left)} of {count(items.length)} items left for you · <Link to={`/annotate/${enc(q.name)}`}>switch reviewer</Link>
      </p>
      {!canWrite() ? <p class="muted">Read-only: a viewer key cannot label.</p> : null}
      {notice ? <p class="notice" role="status">{notice}</p> : null}
      <Async r={list}>{(l) => l.data.length === 0 ? <p class="muted">This queue has no items.</p> : (
        <div class="annotate">
          {d ? <ItemPane d={d} index={index} total={items.length} />
            : detail.error ? <p class="error" role="alert">Could not load the item: {detail.error}</p> : <p class="muted" aria-live="polite">Loading…</p>}
          <div class="annotate-side">
            {left === 0 ? <p class="notice">Nothing left for {reviewer.name}: every item is labelled by you, done or skipped. J and K still move through the queue.</p> : null}
            <RubricForm dimensions={dims} critique={q.rubric.critique} draft={draft} focused={focused} error={error} busy={busy || !d} readOnly={!canWrite()}
              onChange={setDraft} onFocusDim={setFocused} onSubmit={() => void submit()} onSkip={() => void skip()} />
            <KeyHints />
          </div>
        </div>
      )}</Async>
    </>
  );
}

/** `/annotate`, `/annotate/:queue`, `/annotate/:queue/:reviewer`. */
export function AnnotateRoute(props: { seg: string[] }): JSX.Element {
  return props.seg[1] ? <AnnotateQueuePage queue={props.seg[1]} reviewer={props.seg[2]} /> : <AnnotatePage />;
}

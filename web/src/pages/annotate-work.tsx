import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, canWrite } from "../api.js";
import { Async, Badge, Link, useGet } from "../components.js";
import { count } from "../format.js";
import { choiceForKey, choices, type Dimension } from "./annotate-keys.js";
import { type ItemDetail, ItemPane, type ItemState, stateName } from "./annotate-item.js";
import { dimControlId, type Draft, emptyDraft, type FormError, KeyHints, RubricForm } from "./annotate-rubric.js";

export interface Reviewer { name: string; expertise: "expert" | "generalist" }
/** GET /api/v1/annotate/queues/:name */
export interface QueueView {
  name: string; description: string | null; rubric: { dimensions: Dimension[]; critique: "required" | "optional" };
  reviewers: Reviewer[]; reviewers_per_item: number; min_agreement: number | null; licence: string | null; items: number; states: Record<ItemState, number>;
}
interface ItemSummary { id: string; trace_id: string; position: number; state: ItemState; labels: number; labelled?: boolean }

const enc = encodeURIComponent;

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

/** A reviewer working through a queue: the item beside the rubric, driven by the keyboard (docs/dashboard.md, "Annotate"). */
export function Work(props: { q: QueueView; reviewer: Reviewer }): JSX.Element {
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
    // A number box takes its digits itself: from elsewhere, the first one moves focus there and is kept.
    if (dim && !cs && /^[0-9-]$/.test(e.key)) {
      e.preventDefault();
      setDraft({ ...draft, values: { ...draft.values, [dim.name]: (draft.values[dim.name] ?? "") + e.key } });
      document.getElementById(dimControlId(focused))?.focus();
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

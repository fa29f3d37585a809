import type { JSX } from "preact";
import { Badge, Link } from "../components.js";
import { count, when } from "../format.js";

export type ItemState = "pending" | "in_review" | "done" | "skipped";

export interface ItemView {
  id: string; trace_id: string; position: number; state: ItemState;
  input: { role: string; content: string }[]; output: string;
  model: string; route: string; prompt: string | null; prompt_version: number | null; feature: string | null; labels: number;
}
export interface LabelView { reviewer: string; expertise: string; values: Record<string, string | number>; critique: string | null; correction: string | null; at: string }
interface RetrievedResult {
  chunk_id: number | string; file_id: string | null; document_id: string | null; version: number | null; score: number | null;
  stale: boolean; stale_reason: string | null; text: string | null; text_missing?: string;
}
export interface RetrievalView {
  span_id: string; name: string; service: string | null; relation: string; store_id: string | null; mode: string | null;
  started_at: string; result_count: number | null; results: RetrievedResult[];
}
/** GET /api/v1/annotate/queues/:name/items/:id?reviewer= */
export interface ItemDetail { item: ItemView; labels: LabelView[]; retrieval: RetrievalView[] | null }

export const STATE_TONE: Record<ItemState, "ok" | "bad" | "warn" | "info"> = { pending: "info", in_review: "warn", done: "ok", skipped: "bad" };
export const stateName = (s: ItemState): string => s.replace("_", " ");

/** What the reviewer judges: the request's messages, the answer, and the context retrieval fed it. */
export function ItemPane(props: { d: ItemDetail; index: number; total: number }): JSX.Element {
  const { item, retrieval } = props.d;
  return (
    <section class="annotate-item" aria-labelledby="item-h">
      <h2 id="item-h">Item {props.index + 1} of {props.total} <Badge tone={STATE_TONE[item.state]}>{stateName(item.state)}</Badge></h2>
      <p class="muted">
        <code>{item.id}</code> · {item.model}{item.route !== item.model ? ` (asked for ${item.route})` : ""}
        {item.prompt ? ` · prompt ${item.prompt}@v${item.prompt_version}` : ""}{item.feature ? ` · ${item.feature}` : ""}
        {" · "}{count(item.labels)} label{item.labels === 1 ? "" : "s"} · <Link to={`/traces/${encodeURIComponent(item.trace_id)}`}>trace</Link>
      </p>
      <h3>Input</h3>
      <ol class="messages" aria-label="Input messages">
        {item.input.map((m, i) => <li key={i} class={`msg msg-${m.role}`}><span class="role">{m.role}</span><div class="content">{m.content}</div></li>)}
      </ol>
      <h3>Output</h3>
      <div class="msg msg-assistant output"><span class="role">assistant</span><div class="content">{item.output}</div></div>
      <h3>Retrieved context</h3>
      <Retrieval r={retrieval} />
    </section>
  );
}

function Retrieval(props: { r: RetrievalView[] | null }): JSX.Element {
  if (props.r === null) return <p class="muted">Not available: the call's trace is no longer stored (retention), so its retrieval cannot be read.</p>;
  if (props.r.length === 0) return <p>none <span class="muted">(no retrieval span in the call's trace)</span></p>;
  return (
    <>
      {props.r.map((s) => (
        <div class="card retrieval" key={s.span_id}>
          <p class="muted">
            {s.store_id ?? s.name}{s.mode ? ` · ${s.mode}` : ""} · {s.relation} · {s.service ?? "unknown service"} · {when(s.started_at)}
            {s.result_count !== null && s.result_count > s.results.length ? ` · ${s.results.length} of ${s.result_count} shown` : ""}
          </p>
          {s.results.length === 0 ? <p class="muted">No results recorded.</p> : (
            <ol class="chunks">
              {s.results.map((c) => (
                <li key={String(c.chunk_id)}>
                  <div class="chunk-meta">
                    chunk {c.chunk_id}{c.score !== null ? ` · score ${c.score.toFixed(3)}` : ""}{c.document_id ? ` · ${c.document_id}${c.version !== null ? ` v${c.version}` : ""}` : ""}
                    {c.stale ? <> <Badge tone="warn">stale{c.stale_reason ? `: ${c.stale_reason}` : ""}</Badge></> : null}
                  </div>
                  {c.text !== null ? <blockquote class="chunk">{c.text}</blockquote> : <p class="muted">Text not shown: {c.text_missing ?? "not recorded"}.</p>}
                </li>
              ))}
            </ol>
          )}
        </div>
      ))}
    </>
  );
}

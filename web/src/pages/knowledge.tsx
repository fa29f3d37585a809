import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, canWrite } from "../api.js";
import { Async, Badge, Field, ModalForm, Table, useGet } from "../components.js";
import { hourAxis, TimeChart } from "../chart.js";
import { count, pct, text, when } from "../format.js";

interface Store {
  id: string; name: string; created_at: string; last_active_at: string; max_age_s: number | null; chunking: { size: number; overlap: number } | null;
  files: { in_progress: number; completed: number; failed: number; cancelled: number; total: number };
  documents: number; versions: number; superseded: number; stale: number;
}
interface Doc {
  id: string; filename: string | null; source_uri: string; version: number; content_hash: string; updated_at: string; expires_at: string | null;
  superseded_at: string | null; owner: string | null; licence: string | null; age_s: number; stale: boolean; stale_reason: string | null;
}
interface Held { chunk_id: number; vector_store_id: string; document_id: string; ordinal: number; verdict: { scanner: string; score: number; types: string[] }[] | null; chars: number; excerpt: string | null }
interface ConflictSide { file_id: string; document_version: number; chunk_id: number; text: string; value: string }
interface Conflict { id: string; store_id: string; status: "open" | "resolved" | "dismissed"; kind: string; left: ConflictSide; right: ConflictSide; similarity: number; detected_at: number; resolved_by?: string; note?: string | null }
interface Hour { start: string; searches: number; results: number; stale_results: number; stale_rate: number | null; mean_top_score: number | null }
interface Retrieval {
  since: string; hours: Hour[];
  top_stale: { document_id: string; vector_store_id: string; source_uri: string | null; filename: string | null; version: number; reason: string; served: number; last_served_at: string }[];
}

/** An age in the largest whole unit: 45 s, 3 min, 5 h, 12 d. */
function age(s: number): string {
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

/** Knowledge: document stores with freshness, their documents, the quarantine, retrieval quality over time and the top stale documents served. */
export function KnowledgePage(): JSX.Element {
  const stores = useGet<{ data: Store[]; has_more: boolean }>("/api/v1/knowledge/stores");
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section aria-labelledby="knowledge-h">
      <h1 id="knowledge-h">Knowledge</h1>
      <h2>Stores</h2>
      <Async r={stores}>{(d) => (
        <Table caption="Vector stores" rows={d.data} rowKey={(s) => s.id} empty="No vector stores yet." columns={[
          { label: "Store", cell: (s) => <button type="button" class="link" aria-expanded={open === s.id} onClick={() => setOpen(open === s.id ? null : s.id)}>{s.name || s.id}</button> },
          { label: "Id", cell: (s) => <code>{s.id}</code> },
          { label: "Files", numeric: true, cell: (s) => (s.files.failed > 0 ? <span>{count(s.files.total)} <Badge tone="bad">{s.files.failed} failed</Badge></span> : count(s.files.total)) },
          { label: "Documents", numeric: true, cell: (s) => count(s.documents) },
          { label: "Superseded versions", numeric: true, cell: (s) => count(s.superseded) },
          { label: "Stale", numeric: true, cell: (s) => (s.stale > 0 ? <Badge tone="warn">{s.stale} stale</Badge> : "0") },
          { label: "Max age", cell: (s) => (s.max_age_s === null ? "none" : age(s.max_age_s)) },
          { label: "Chunking", cell: (s) => (s.chunking ? `${s.chunking.size} / ${s.chunking.overlap} chars` : "default") },
          { label: "Last active", cell: (s) => when(s.last_active_at) },
        ]} />
      )}</Async>
      {open ? <Documents storeId={open} /> : null}
      <Conflicts />
      <Quarantine onReleased={stores.reload} />
      <RetrievalQuality />
    </section>
  );
}

function Documents(props: { storeId: string }): JSX.Element {
  const docs = useGet<{ data: Doc[]; has_more: boolean }>(`/api/v1/knowledge/stores/${encodeURIComponent(props.storeId)}/documents`);
  return (
    <section aria-labelledby="docs-h">
      <h2 id="docs-h">Documents in <code>{props.storeId}</code></h2>
      <Async r={docs}>{(d) => (
        <>
          <Table caption={`Documents of ${props.storeId}, newest first`} rows={d.data} rowKey={(r) => r.id} empty="No documents in this store." columns={[
            { label: "Source", cell: (r) => <span>{r.source_uri}{r.filename && r.filename !== r.source_uri ? <span class="muted"> ({r.filename})</span> : null}</span> },
            { label: "Version", numeric: true, cell: (r) => `v${r.version}` },
            { label: "Content hash", cell: (r) => <code title={r.content_hash}>{r.content_hash.slice(0, 12)}</code> },
            { label: "Age", numeric: true, cell: (r) => age(r.age_s) },
            { label: "Freshness", cell: (r) => (r.stale ? <Badge tone={r.stale_reason === "superseded" ? "info" : "warn"}>{r.stale_reason}</Badge> : <Badge tone="ok">fresh</Badge>) },
            { label: "Expires", cell: (r) => when(r.expires_at) },
            { label: "Owner", cell: (r) => text(r.owner) },
            { label: "Licence", cell: (r) => text(r.licence) },
          ]} />
          {d.has_more ? <p class="muted">Showing the newest {d.data.length} versions.</p> : null}
        </>
      )}</Async>
    </section>
  );
}

function Conflicts(): JSX.Element {
  const [status, setStatus] = useState<"open" | "resolved" | "dismissed">("open");
  const list = useGet<{ data: Conflict[]; has_more: boolean }>(`/api/v1/knowledge/conflicts?status=${status}`);
  const [acting, setActing] = useState<{ c: Conflict; to: "resolved" | "dismissed" | "open" } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const side = (s: ConflictSide): JSX.Element => (
    <span><strong>{s.value}</strong> <span class="muted">(v{s.document_version}, chunk {s.chunk_id})</span><br /><span class="excerpt">{s.text.slice(0, 200)}</span></span>
  );
  return (
    <section aria-labelledby="conflicts-h">
      <h2 id="conflicts-h">Conflicts</h2>
      <p class="muted">Live documents of one store that state different values for the same fact (docs/knowledge.md#conflicts). Resolving or dismissing one is audited.</p>
      <Field id="conflict-status" label="Show">
        <select id="conflict-status" value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value as typeof status)}>
          <option value="open">open</option><option value="resolved">resolved</option><option value="dismissed">dismissed</option>
        </select>
      </Field>
      {done ? <p role="status">{done}</p> : null}
      <Async r={list}>{(d) => (
        <Table caption={`Conflicts (${status})`} rows={d.data} rowKey={(c) => c.id} empty={`No ${status} conflicts.`} columns={[
          { label: "Store", cell: (c) => <code>{c.store_id}</code> },
          { label: "Kind", cell: (c) => <Badge tone="warn">{c.kind}</Badge> },
          { label: "One document says", cell: (c) => side(c.left) },
          { label: "Another says", cell: (c) => side(c.right) },
          { label: "Similarity", numeric: true, cell: (c) => c.similarity.toFixed(2) },
          { label: "Found", cell: (c) => when(new Date(c.detected_at * (c.detected_at < 1e12 ? 1000 : 1)).toISOString()) },
          ...(status !== "open" ? [{ label: "By", cell: (c: Conflict) => text(c.resolved_by ?? null) }] : []),
          ...(canWrite() ? [{ label: "Action", cell: (c: Conflict) => (c.status === "open"
            ? <span><button type="button" onClick={() => (setDone(null), setActing({ c, to: "resolved" }))}>Resolve…</button> <button type="button" onClick={() => (setDone(null), setActing({ c, to: "dismissed" }))}>Dismiss…</button></span>
            : <button type="button" onClick={() => (setDone(null), setActing({ c, to: "open" }))}>Reopen…</button>) }] : []),
        ]} />
      )}</Async>
      {acting ? <ConflictDialog conflict={acting.c} to={acting.to} onClose={(msg) => (setActing(null), msg && (setDone(msg), list.reload()))} /> : null}
    </section>
  );
}

function ConflictDialog(props: { conflict: Conflict; to: "resolved" | "dismissed" | "open"; onClose: (done: string | null) => void }): JSX.Element {
  const [note, setNote] = useState("");
  const verb = props.to === "resolved" ? "Resolve" : props.to === "dismissed" ? "Dismiss" : "Reopen";
  const submit = async (): Promise<string> => {
    await api("POST", `/api/v1/knowledge/conflicts/${encodeURIComponent(props.conflict.id)}/resolve`, note ? { status: props.to, note } : { status: props.to });
    return `Conflict ${props.conflict.id} is ${props.to} now.`;
  };
  return (
    <ModalForm id="conflict" title={`${verb} conflict ${props.conflict.id}?`} submitLabel={verb} onSubmit={submit} onClose={props.onClose}>
      <p>{props.conflict.left.value} against {props.conflict.right.value} ({props.conflict.kind}). The change is recorded in the audit log.</p>
      <Field id="conflict-note" label="Note (for the audit log)">
        <input id="conflict-note" value={note} maxLength={2000} onInput={(e) => setNote((e.target as HTMLInputElement).value)} />
      </Field>
    </ModalForm>
  );
}

function Quarantine(props: { onReleased: () => void }): JSX.Element {
  const held = useGet<{ data: Held[] }>("/api/v1/knowledge/quarantine");
  const [releasing, setReleasing] = useState<Held | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section aria-labelledby="quarantine-h">
      <h2 id="quarantine-h">Quarantine</h2>
      <p class="muted">Chunks a document-source scanner flagged at ingestion; never served until an admin releases them (audited).</p>
      {done ? <p role="status">{done}</p> : null}
      <Async r={held}>{(d) => (
        <Table caption="Quarantined chunks" rows={d.data} rowKey={(c) => String(c.chunk_id)} empty="No quarantined chunks." columns={[
          { label: "Chunk", numeric: true, cell: (c) => String(c.chunk_id) },
          { label: "Store", cell: (c) => <code>{c.vector_store_id}</code> },
          { label: "Verdict", cell: (c) => (c.verdict ?? []).map((v) => <Badge tone="bad">{v.scanner} {v.score.toFixed(2)}</Badge>) },
          { label: "Excerpt", cell: (c) => (c.excerpt === null ? <span class="muted">withheld (secret)</span> : <span class="excerpt">{c.excerpt.slice(0, 160)}</span>) },
          ...(canWrite() ? [{ label: "Action", cell: (c: Held) => <button type="button" onClick={() => (setDone(null), setReleasing(c))}>Release…</button> }] : []),
        ]} />
      )}</Async>
      {releasing ? <ReleaseDialog chunk={releasing} onClose={(msg) => (setReleasing(null), msg && (setDone(msg), held.reload(), props.onReleased()))} /> : null}
    </section>
  );
}

function ReleaseDialog(props: { chunk: Held; onClose: (done: string | null) => void }): JSX.Element {
  const [reason, setReason] = useState("");
  const submit = async (): Promise<string> => {
    await api("POST", `/api/v1/knowledge/quarantine/${props.chunk.chunk_id}/release`, reason ? { reason } : {});
    return `Released chunk ${props.chunk.chunk_id}: it is searchable now.`;
  };
  return (
    <ModalForm id="release" title={`Release chunk ${props.chunk.chunk_id}?`} submitLabel="Release" danger onSubmit={submit} onClose={props.onClose}>
      <p>It was held for {(props.chunk.verdict ?? []).map((v) => v.scanner).join(", ") || "a scanner verdict"}. Once released it is served by searches of <code>{props.chunk.vector_store_id}</code>; the release is recorded in the audit log.</p>
      <Field id="release-reason" label="Reason (for the audit log)">
        <input id="release-reason" value={reason} maxLength={1000} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
      </Field>
    </ModalForm>
  );
}

function RetrievalQuality(): JSX.Element {
  const r = useGet<Retrieval>("/api/v1/knowledge/retrieval");
  return (
    <section aria-labelledby="retrieval-h">
      <h2 id="retrieval-h">Retrieval quality</h2>
      <Async r={r}>{(d) => {
        const { x, rows: dense } = hourAxis(d.hours);
        const searches = d.hours.reduce((a, h) => a + h.searches, 0);
        const results = d.hours.reduce((a, h) => a + h.results, 0);
        const stale = d.hours.reduce((a, h) => a + h.stale_results, 0);
        return (
          <>
            <p class="muted">Live searches since {when(d.since)} (this process): {count(searches)} searches, {count(results)} results served, {pct(results ? stale / results : null)} stale. Offline <code>keel knowledge eval</code> results are printed by the CLI, not stored, so they are not charted here.</p>
            {d.hours.length === 0 ? <p class="muted">No searches since start.</p> : (
              <div class="charts">
                <TimeChart title="Stale-retrieval rate per hour" x={x} summary={`${pct(results ? stale / results : null)} of results served stale over ${d.hours.length} hours.`} series={[
                  { label: "stale rate", values: dense.map((h) => h?.stale_rate ?? null), color: "#b35900", format: pct },
                ]} />
                <TimeChart title="Mean top score per hour" x={x} summary={`Mean top score per hour: ${d.hours.map((h) => (h.mean_top_score === null ? "none" : h.mean_top_score.toFixed(2))).join(", ")}.`} series={[
                  { label: "mean top score", values: dense.map((h) => h?.mean_top_score ?? null), color: "#0a5fb4", format: (v) => (v === null ? "—" : v.toFixed(2)) },
                ]} />
              </div>
            )}
            <h3>Top stale documents served</h3>
            <Table caption="Documents served stale most often since start" rows={d.top_stale} rowKey={(s) => s.document_id} empty="No stale document served since start." columns={[
              { label: "Source", cell: (s) => text(s.source_uri) },
              { label: "Version", numeric: true, cell: (s) => `v${s.version}` },
              { label: "Store", cell: (s) => <code>{s.vector_store_id}</code> },
              { label: "Why stale", cell: (s) => <Badge tone="warn">{s.reason}</Badge> },
              { label: "Times served", numeric: true, cell: (s) => count(s.served) },
              { label: "Last served", cell: (s) => when(s.last_served_at) },
            ]} />
          </>
        );
      }}</Async>
    </section>
  );
}

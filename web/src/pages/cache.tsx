import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { api, canWrite } from "../api.js";
import { Async, Badge, Field, ModalForm, Stat, Table, useGet } from "../components.js";
import { hourAxis, TimeChart } from "../chart.js";
import { count, ms, pct, text, usd, when } from "../format.js";

interface Hour { start: string; hits: number; semantic_hits: number; misses: number; bypasses: number; hit_rate: number | null; tokens_saved: number; usd_saved: number }
/** GET /api/v1/cache/stats; fields another version may add (a false-hit estimate) are read when present. */
export interface CacheStats {
  enabled?: boolean; backend: string; entries: number; hits: number; semantic_hits: number; misses: number; bypasses: number; hit_rate: number | null;
  semantic: { vectors: number; embed_errors: number; raised_thresholds?: number; verification?: Verification | null } | null; stored: number; dropped_corrupt: number; dropped_oversized: number;
  skipped_oversized: number; skipped_sensitive: number; backend_errors: number; tokens_saved: number; usd_saved: number;
  lookup_ms?: { samples: number; p50: number | null; p95: number | null; mean: number | null };
  series?: Hour[];
  [more: string]: unknown;
}

/** The online false-hit estimate (docs/cache.md#online-false-hit-estimate): re-asks of sampled semantic hits. */
interface Verification {
  match: number; mismatch: number; error: number; dropped: number; pending: number; verified: number;
  false_hit_rate: number | null; false_hit_lower95: number | null; false_hit_upper95: number | null;
}

/** Response cache: hit rates exact and semantic, savings, lookup time, hourly activity since start, entries, and a purge. */
export function CachePage(): JSX.Element {
  const stats = useGet<CacheStats>("/api/v1/cache/stats");
  const [purging, setPurging] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section aria-labelledby="cache-h">
      <h1 id="cache-h">Response cache</h1>
      <p class="muted">Counters and hourly activity since this Keel process started (<code>keel cache stats</code>); the provider's own prompt cache is on the overview.</p>
      <Async r={stats}>{(s) => {
        if (s.enabled === false) return <p><Badge>off</Badge> The response cache is not enabled (<code>cache.enabled: false</code> in keel.yaml; docs/cache.md).</p>;
        const decided = s.hits + s.semantic_hits + s.misses;
        const v = s.semantic?.verification ?? null;
        const hours = s.series ?? [];
        // An hour without a row had no cache decisions: zero calls, no hit rate.
        const { x, rows: dense } = hourAxis(hours);
        const n = (f: (h: Hour) => number) => dense.map((h) => (h ? f(h) : 0));
        return (
          <>
            <div class="stats" role="group" aria-label="Cache totals since start">
              <Stat label="Hit rate" value={pct(s.hit_rate)} hint={`${count(s.hits + s.semantic_hits)} of ${count(decided)} calls`} />
              <Stat label="Exact hits" value={count(s.hits)} hint={`${pct(decided ? s.hits / decided : null)} of calls`} />
              <Stat label="Semantic hits" value={count(s.semantic_hits)} hint={s.semantic ? `${pct(decided ? s.semantic_hits / decided : null)} of calls` : "semantic cache off"} />
              <Stat label="Misses / bypasses" value={`${count(s.misses)} / ${count(s.bypasses)}`} />
              <Stat label="Tokens saved" value={count(s.tokens_saved)} />
              <Stat label="USD saved" value={usd(s.usd_saved)} />
              <Stat label="Lookup p50 / p95" value={`${fixedMs(s.lookup_ms?.p50)} / ${fixedMs(s.lookup_ms?.p95)}`} hint={s.lookup_ms ? `last ${count(s.lookup_ms.samples)} lookups` : undefined} />
              {v ? <Stat label="False-hit estimate" value={v.false_hit_rate === null ? "no re-asks yet" : pct(v.false_hit_rate)} hint={`${v.mismatch} of ${v.verified} re-asked semantic hits disagreed (95% CI ${pct(v.false_hit_lower95)}–${pct(v.false_hit_upper95)}); ${v.error} errors, ${v.dropped} dropped, ${v.pending} pending`} /> : null}
            </div>
            {hours.length === 0 ? <p class="muted">No cache decisions since start.</p> : (
              <div class="charts">
                <TimeChart title="Hits, misses and bypasses per hour" x={x} summary={`${hours.length} hours: ${count(s.hits)} exact hits, ${count(s.semantic_hits)} semantic hits, ${count(s.misses)} misses, ${count(s.bypasses)} bypasses.`} series={[
                  { label: "exact hits", values: n((h) => h.hits), color: "#1a7f37", format: count },
                  { label: "semantic hits", values: n((h) => h.semantic_hits), color: "#6639ba", format: count },
                  { label: "misses", values: n((h) => h.misses), color: "#b35900", format: count },
                  { label: "bypasses", values: n((h) => h.bypasses), color: "#57606a", format: count },
                ]} />
                <TimeChart title="USD saved per hour" x={x} summary={`${usd(s.usd_saved)} and ${count(s.tokens_saved)} tokens saved since start.`} series={[
                  { label: "USD saved", values: n((h) => h.usd_saved), color: "#0a5fb4", format: usd },
                ]} />
              </div>
            )}
            <h2>Entries</h2>
            <Table caption="Cache backend entries" rows={[s]} columns={[
              { label: "Backend", cell: (r) => r.backend },
              { label: "Entries", numeric: true, cell: (r) => count(r.entries) },
              { label: "Semantic vectors", numeric: true, cell: (r) => (r.semantic ? count(r.semantic.vectors) : "—") },
              { label: "Stored", numeric: true, cell: (r) => count(r.stored) },
              { label: "Not stored (oversized / sensitive)", numeric: true, cell: (r) => `${count(r.skipped_oversized)} / ${count(r.skipped_sensitive)}` },
              { label: "Dropped (corrupt / oversized)", numeric: true, cell: (r) => `${count(r.dropped_corrupt)} / ${count(r.dropped_oversized)}` },
              { label: "Backend errors", numeric: true, cell: (r) => (r.backend_errors > 0 ? <Badge tone="bad">{count(r.backend_errors)}</Badge> : "0") },
            ]} />
            {hours.length > 0 ? (<>
              <h2>Per hour</h2>
              <Table caption="Cache activity per hour" rows={[...hours].reverse()} rowKey={(h) => h.start} columns={[
                { label: "Hour", cell: (h) => when(h.start) },
                { label: "Hit rate", numeric: true, cell: (h) => pct(h.hit_rate) },
                { label: "Exact", numeric: true, cell: (h) => count(h.hits) },
                { label: "Semantic", numeric: true, cell: (h) => count(h.semantic_hits) },
                { label: "Misses", numeric: true, cell: (h) => count(h.misses) },
                { label: "Bypasses", numeric: true, cell: (h) => count(h.bypasses) },
                { label: "Tokens saved", numeric: true, cell: (h) => count(h.tokens_saved) },
                { label: "USD saved", numeric: true, cell: (h) => usd(h.usd_saved) },
              ]} />
            </>) : null}
          </>
        );
      }}</Async>
      {canWrite() && stats.data && stats.data.enabled !== false ? (
        <>
          <h2>Purge</h2>
          <p><button type="button" class="danger" onClick={() => (setDone(null), setPurging(true))}>Purge entries…</button></p>
          {done ? <p role="status">{done}</p> : null}
          {purging ? <PurgeDialog onClose={(msg) => (setPurging(false), msg && (setDone(msg), stats.reload()))} /> : null}
        </>
      ) : null}
    </section>
  );
}

const fixedMs = (n: number | null | undefined): string => (n === null || n === undefined ? "—" : n < 1 ? `${n.toFixed(3)} ms` : ms(n));

/** POST /api/v1/cache/purge: by route, model or key (or everything, said explicitly), with a reason; audited as `cache.purged`. */
function PurgeDialog(props: { onClose: (done: string | null) => void }): JSX.Element {
  const [f, setF] = useState({ route: "", model: "", key: "", reason: "" });
  const [all, setAll] = useState(false);
  const submit = async (): Promise<string> => {
    const body: Record<string, unknown> = { reason: f.reason || undefined };
    if (all) body.all = true;
    else for (const k of ["route", "model", "key"] as const) if (f[k].trim()) body[k] = f[k].trim();
    if (!all && !body.route && !body.model && !body.key) throw new Error("Give a route, a model or a key, or tick “every entry”.");
    const r = await api<{ deleted: number }>("POST", "/api/v1/cache/purge", body);
    return `Purged ${r.deleted} ${r.deleted === 1 ? "entry" : "entries"}.`;
  };
  const set = (k: keyof typeof f) => (e: Event): void => setF({ ...f, [k]: (e.target as HTMLInputElement).value });
  return (
    <ModalForm id="purge" title="Purge cache entries?" submitLabel="Purge" danger onSubmit={submit} onClose={props.onClose}>
      <p>Entries matching every field given are deleted; the next such call goes to the model. The purge is recorded in the audit log.</p>
      <Field id="purge-route" label="Route (public model name)"><input id="purge-route" value={f.route} disabled={all} onInput={set("route")} /></Field>
      <Field id="purge-model" label="Upstream model (provider/model)"><input id="purge-model" value={f.model} disabled={all} onInput={set("model")} /></Field>
      <Field id="purge-key" label="Virtual key id (key_…)"><input id="purge-key" value={f.key} disabled={all} onInput={set("key")} /></Field>
      <div class="field"><label><input id="purge-all" type="checkbox" checked={all} onChange={(e) => setAll((e.target as HTMLInputElement).checked)} /> Every entry</label></div>
      <Field id="purge-reason" label="Reason (for the audit log)"><input id="purge-reason" value={f.reason} maxLength={1000} onInput={set("reason")} /></Field>
    </ModalForm>
  );
}

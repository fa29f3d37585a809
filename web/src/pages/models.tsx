import type { JSX } from "preact";
import { Async, Badge, Table, useGet } from "../components.js";
import { count, ms, pct, when } from "../format.js";

/** GET /api/v1/targets: the routing state of each upstream target and, when it declares one, its engine's scraped figures. */
export interface Engine {
  kind: string; metrics_url: string; stale: boolean; last_scrape_at: string | null; last_ok_at: string | null; last_error: string | null;
  requests_running: number | null; requests_waiting: number | null; kv_cache_usage: number | null; prefix_cache_hit_rate: number | null;
  ttft_ms: { p50: number | null; p95: number | null }; itl_ms: { p50: number | null; p95: number | null };
  generation_tokens_per_s: number | null; preemptions: number | null;
  spec_decode: { acceptance_rate: number | null; mean_acceptance_length: number | null; draft_length: number | null };
}
export interface Target { id: string; provider: string; model: string; in_flight: number; breaker: { state: string }; engine: Engine | null }

const fixed = (n: number | null, d = 2): string => (n === null ? "—" : n.toFixed(d));

/** Models and engines: per target, the engine kind, its queue, KV usage, preemptions and draft acceptance; stale figures are marked. */
export function ModelsPage(): JSX.Element {
  const targets = useGet<{ data: Target[] }>("/api/v1/targets");
  return (
    <section aria-labelledby="models-h">
      <h1 id="models-h">Models and engines</h1>
      <p class="muted">Self-hosted targets that declare an <code>engine:</code> are scraped on an interval; figures older than three intervals are stale and used for nothing (docs/engines.md).</p>
      <Async r={targets}>{(d) => {
        const withEngine = d.data.filter((t) => t.engine !== null);
        const stale = withEngine.filter((t) => t.engine!.stale).length;
        return (
          <>
            <p>{withEngine.length === 0 ? <Badge>no engine targets</Badge> : stale === 0 ? <Badge tone="ok">{withEngine.length} engines fresh</Badge> : <Badge tone="bad">{stale} of {withEngine.length} engines stale</Badge>}</p>
            <Table caption="Upstream targets with their engine figures" rows={d.data} rowKey={(t) => t.id} empty="No upstream targets." columns={[
              { label: "Target", cell: (t) => t.id },
              { label: "Engine", cell: (t) => t.engine?.kind ?? "—" },
              { label: "Engine data", cell: (t) => (t.engine === null ? "—" : t.engine.stale
                ? <span><Badge tone="bad">stale</Badge>{t.engine.last_error ? <span class="muted"> {t.engine.last_error}</span> : null}</span>
                : <Badge tone="ok">fresh</Badge>) },
              { label: "Running / waiting", numeric: true, cell: (t) => (t.engine ? `${count(t.engine.requests_running)} / ${count(t.engine.requests_waiting)}` : `${t.in_flight} in flight`) },
              { label: "KV cache", numeric: true, cell: (t) => pct(t.engine?.kv_cache_usage) },
              { label: "Prefix hits", numeric: true, cell: (t) => pct(t.engine?.prefix_cache_hit_rate) },
              { label: "Preemptions", numeric: true, cell: (t) => count(t.engine?.preemptions) },
              { label: "Draft acceptance", numeric: true, cell: (t) => (t.engine ? `${pct(t.engine.spec_decode.acceptance_rate)} · ${fixed(t.engine.spec_decode.mean_acceptance_length)} tok/pass` : "—") },
              { label: "TTFT p95", numeric: true, cell: (t) => ms(t.engine?.ttft_ms.p95) },
              { label: "Last good scrape", cell: (t) => (t.engine ? when(t.engine.last_ok_at) : "—") },
              { label: "Breaker", cell: (t) => <Badge tone={t.breaker.state === "closed" ? "ok" : "bad"}>{t.breaker.state}</Badge> },
            ]} />
          </>
        );
      }}</Async>
    </section>
  );
}

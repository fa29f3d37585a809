import type { JSX } from "preact";
import { Async, Badge, Link, useGet } from "../components.js";
import { ms } from "../format.js";

/** `GET /api/v1/otel/traces/:traceId`: the application's spans and the gateway calls made inside them. */
interface AppSpan { spanId: string; parentSpanId: string | null; name: string; kind: number; startMs: number; endMs: number; statusCode: number; service: string | null }
interface GatewayCall { id: string; started_at: number; endpoint: string; model_requested: string | null; model_served: string | null; status: string; latency_ms: number; parent_span_id: string | null }
interface Linked { trace_id: string; spans: AppSpan[]; gateway_calls: GatewayCall[] }

/** One span of the tree: an application span or a gateway call. */
interface Node {
  key: string;
  label: string;
  detail: string;
  start: number;
  end: number;
  error: boolean;
  /** A gateway call's trace id (a link), null for application spans. */
  call: string | null;
  children: Node[];
}

/** A row of the waterfall: a node at its depth in the tree. */
export interface Row { node: Node; depth: number }

/**
 * The waterfall's rows, depth first: children under their parent span, gateway calls under the
 * application span that made them (its `traceparent`), anything whose parent is missing (not
 * exported, or outside this trace) at the root, so no span is ever dropped. Siblings are in start
 * order; a cycle in broken or hostile input is cut where it closes.
 */
export function waterfallRows(d: Linked): Row[] {
  const nodes = new Map<string, Node>();
  const roots: Node[] = [];
  for (const s of d.spans) {
    nodes.set(s.spanId, {
      key: s.spanId, label: s.name, detail: s.service ?? "", start: s.startMs, end: Math.max(s.endMs, s.startMs),
      error: s.statusCode === 2, call: null, children: [],
    });
  }
  const attach = (n: Node, parent: string | null): void => {
    const p = parent ? nodes.get(parent) : undefined;
    if (p && p !== n) p.children.push(n);
    else roots.push(n);
  };
  for (const s of d.spans) attach(nodes.get(s.spanId)!, s.parentSpanId);
  for (const c of d.gateway_calls) {
    attach({
      key: c.id, label: `${c.endpoint} ${c.model_served ?? c.model_requested ?? ""}`.trim(), detail: "Keel gateway",
      start: c.started_at, end: c.started_at + c.latency_ms, error: c.status !== "ok", call: c.id, children: [],
    }, c.parent_span_id);
  }
  const rows: Row[] = [];
  const seen = new Set<Node>();
  const visit = (list: Node[], depth: number): void => {
    for (const n of [...list].sort((x, y) => x.start - y.start || x.key.localeCompare(y.key))) {
      if (seen.has(n)) continue;
      seen.add(n);
      rows.push({ node: n, depth });
      visit(n.children, depth + 1);
    }
  };
  visit(roots, 0);
  return rows;
}

/** The trace's agent spans as a tree (indented names) and a timeline (bars on one time axis). */
export function LinkedSpans(props: { traceId: string; current: string }): JSX.Element {
  const r = useGet<Linked>(`/api/v1/otel/traces/${encodeURIComponent(props.traceId)}`);
  return (
    <Async r={r}>{(d) => {
      const rows = waterfallRows(d);
      const t0 = Math.min(...rows.map((r) => r.node.start));
      const span = Math.max(1, Math.max(...rows.map((r) => r.node.end)) - t0);
      return (
        <>
          <p class="muted">{d.spans.length} application span{d.spans.length === 1 ? "" : "s"} and {d.gateway_calls.length} gateway call{d.gateway_calls.length === 1 ? "" : "s"} in trace <code>{d.trace_id}</code>, over {ms(span)}.</p>
          <div class="table-wrap">
            <table class="waterfall">
              <caption class="sr-only">Spans of the trace as a tree, with their timing</caption>
              <thead><tr><th scope="col">Span</th><th scope="col">Service</th><th scope="col" class="num">Start</th><th scope="col" class="num">Duration</th><th scope="col" class="timeline-col">Timeline</th></tr></thead>
              <tbody>
                {rows.map(({ node: n, depth }) => {
                  const left = ((n.start - t0) / span) * 100;
                  const width = Math.max(0.5, ((n.end - n.start) / span) * 100);
                  const here = n.call === props.current;
                  return (
                    <tr key={n.key} class={here ? "current" : undefined} aria-current={here ? "true" : undefined} data-depth={depth}>
                      <td style={{ paddingLeft: `${10 + depth * 18}px` }}>
                        {depth > 0 ? <span aria-hidden="true" class="tree-mark">└ </span> : null}
                        <span class="sr-only">level {depth + 1}: </span>
                        {n.call && !here ? <Link to={`/traces/${encodeURIComponent(n.call)}`}>{n.label}</Link> : n.label}
                        {here ? <> <Badge tone="info">this call</Badge></> : null}
                        {n.error ? <> <Badge tone="bad">error</Badge></> : null}
                      </td>
                      <td>{n.detail || "—"}</td>
                      <td class="num">+{ms(n.start - t0)}</td>
                      <td class="num">{ms(n.end - n.start)}</td>
                      <td class="timeline-col">
                        <div class="bar-track" aria-hidden="true"><div class={`bar ${n.call ? "gw" : "app"}${n.error ? " err" : ""}`} style={{ left: `${left}%`, width: `${Math.min(width, 100 - left)}%` }} /></div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      );
    }}</Async>
  );
}

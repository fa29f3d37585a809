import type { ChunkRecord } from "../knowledge/types.js";
import type { IngestedSpan } from "../observe/otel/otlp-ingest.js";

/** Most results shown per retrieval and characters per chunk: enough to judge an answer by. */
export const MAX_RESULTS = 50;
export const MAX_CHUNK_CHARS = 4000;

/** The gateway call a queue item came from, as the trace store still has it. */
export interface CallPlace {
  /** The W3C trace id the call was made in; null when it carried no `traceparent`. */
  traceId: string | null;
  /** The caller's span: the retrieval that fed the call is usually its sibling under it. */
  parentSpanId: string | null;
  startedAt: number;
}

export interface RetrievedResult {
  chunk_id: number | string;
  file_id: string | null;
  document_id: string | null;
  version: number | null;
  score: number | null;
  stale: boolean;
  stale_reason: string | null;
  /** The chunk's text from Keel's knowledge store; null when not Keel's chunk, gone, or withheld. */
  text: string | null;
  /** Why `text` is null: `quarantined`, `not found`, or `not a Keel chunk` (an application's own retrieval). */
  text_missing?: "quarantined" | "not found" | "not a Keel chunk";
}

export interface RetrievalView {
  span_id: string;
  name: string;
  service: string | null;
  /** `same span`: made under the span the call was made under; `earlier in trace`: elsewhere in the trace, before the call. */
  relation: "same span" | "earlier in trace";
  store_id: string | null;
  mode: string | null;
  started_at: string;
  result_count: number | null;
  results: RetrievedResult[];
}

const isRetrieval = (s: IngestedSpan): boolean => s.attributes["gen_ai.operation.name"] === "retrieval";
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/**
 * The retrieval spans that fed a call: every `retrieval` span (docs/knowledge.md) in the call's
 * W3C trace that started before the call did. Spans under the same parent as the call come first
 * (`same span`: the application searched, then asked); the others follow (`earlier in trace`: an
 * agent's tool step, say), each group by start time. Pure: spans and chunk lookup are passed in.
 */
export function retrievalContext(call: CallPlace, spans: readonly IngestedSpan[], chunks: (keys: readonly number[]) => readonly ChunkRecord[]): RetrievalView[] {
  if (!call.traceId) return [];
  const found = spans.filter((s) => s.traceId === call.traceId && isRetrieval(s) && s.startMs <= call.startedAt);
  const same = (s: IngestedSpan): boolean => call.parentSpanId !== null && s.parentSpanId === call.parentSpanId;
  found.sort((a, b) => Number(same(b)) - Number(same(a)) || a.startMs - b.startMs);
  const views = found.map((s) => view(s, same(s)));
  // Keel's own spans name Keel's chunk ids; resolve their text in one read.
  const keys = views.flatMap((v) => (v.service === "keel" ? v.results.map((r) => r.chunk_id).filter((k): k is number => typeof k === "number") : []));
  const byKey = new Map((keys.length ? chunks([...new Set(keys)]) : []).map((c) => [c.key, c]));
  for (const v of views) {
    for (const r of v.results) {
      const c = v.service === "keel" && typeof r.chunk_id === "number" ? byKey.get(r.chunk_id) : undefined;
      if (v.service !== "keel") r.text_missing = "not a Keel chunk";
      // The span names its store: a chunk of another store under the same id is not this result.
      else if (!c || (v.store_id !== null && c.storeId !== v.store_id)) r.text_missing = "not found";
      else if (c.status !== "live") r.text_missing = "quarantined";
      else r.text = c.text.slice(0, MAX_CHUNK_CHARS);
    }
  }
  return views;
}

function view(s: IngestedSpan, same: boolean): RetrievalView {
  return {
    span_id: s.spanId, name: s.name, service: s.service, relation: same ? "same span" : "earlier in trace",
    store_id: str(s.attributes["gen_ai.data_source.id"]), mode: str(s.attributes["keel.retrieval.mode"]),
    started_at: new Date(s.startMs).toISOString(), result_count: num(s.attributes["keel.retrieval.result_count"]),
    results: results(s.attributes),
  };
}

/** `keel.retrieval.results` (JSON text, as span attributes are scalars), else the bare `keel.retrieval.chunk_ids`. */
function results(a: IngestedSpan["attributes"]): RetrievedResult[] {
  const parsed = parse(a["keel.retrieval.results"]) ?? parse(a["keel.retrieval.chunk_ids"])?.map((id) => ({ chunk_id: id }));
  if (!parsed) return [];
  const out: RetrievedResult[] = [];
  for (const raw of parsed.slice(0, MAX_RESULTS)) {
    const r = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const id = typeof r.chunk_id === "number" || typeof r.chunk_id === "string" ? r.chunk_id : null;
    if (id === null) continue;
    out.push({
      chunk_id: id, file_id: str(r.file_id), document_id: str(r.document_id), version: num(r.version), score: num(r.score),
      stale: r.stale === true, stale_reason: str(r.stale_reason), text: null,
    });
  }
  return out;
}

function parse(v: unknown): unknown[] | null {
  if (typeof v !== "string") return null;
  try {
    const j: unknown = JSON.parse(v);
    return Array.isArray(j) ? j : null;
  } catch {
    return null;
  }
}

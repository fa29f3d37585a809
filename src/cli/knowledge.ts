import { knowledgeConfigSchema } from "../knowledge/knowledge-schema.js";
import { evaluateRetrieval, readEvalSet } from "../knowledge/retrieval-eval.js";
import type { MetricSummary } from "../knowledge/retrieval-metrics.js";
import type { SearchQuery } from "../knowledge/search.js";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
const KNOWLEDGE_DEFAULTS = knowledgeConfigSchema.parse(undefined);
const out = (s: string): void => void process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);

function intOpt(raw: string | undefined, name: string, min: number, max: number, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}
function rateOpt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!(n >= 0 && n <= 1)) throw new Error(`--${name} must be a number from 0 to 1`);
  return n;
}

export interface KnowledgeEvalOptions {
  corpus: string; queries: string; qrels: string; k: string; mode: string; chunkSize?: string; overlap?: string;
  index: "hnsw" | "exact"; rrfK: string; minNdcg?: string; minRecall?: string; json?: boolean;
}

export async function runKnowledgeEval(o: KnowledgeEvalOptions): Promise<void> {
  const k = intOpt(o.k, "k", 1, 50, 10);
  const size = intOpt(o.chunkSize, "chunk-size", 100, 16_000, KNOWLEDGE_DEFAULTS.chunking.size);
  const overlap = intOpt(o.overlap, "overlap", 0, Math.floor(size / 2), Math.min(KNOWLEDGE_DEFAULTS.chunking.overlap, Math.floor(size / 2)));
  const rrfK = intOpt(o.rrfK, "rrf-k", 1, 1000, 60);
  const minNdcg = rateOpt(o.minNdcg, "min-ndcg");
  const minRecall = rateOpt(o.minRecall, "min-recall");
  const modes = (o.mode === "all" ? ["vector", "keyword", "hybrid"] : [o.mode]) as NonNullable<SearchQuery["mode"]>[];
  const set = await readEvalSet(o.corpus, o.queries, o.qrels);
  const embedder = getDefaultEmbedder();
  const r = await evaluateRetrieval(set, { k, chunking: { size, overlap }, index: o.index, rrfK, modes, embedder });
  await embedder.close();
  if (o.json) out(JSON.stringify(r));
  else {
    out(`${r.documents} documents → ${r.chunks} chunks (size ${size}, overlap ${overlap}), ${o.index} index, ingested in ${r.ingest_ms} ms`);
    const f = (m: MetricSummary): string => `${m.mean.toFixed(3)} [${m.ci ? `${m.ci.low.toFixed(3)}, ${m.ci.high.toFixed(3)}` : "-"}]`;
    out(table(["MODE", "QUERIES", `RECALL@${k}`, `PRECISION@${k}`, "MRR", "NDCG@10", "SEARCH MS"], Object.entries(r.modes).map(([m, s]) => [m, s.queries, f(s.recall), f(s.precision), f(s.mrr), f(s.ndcg10), s.search_ms])));
  }
  const low = Object.entries(r.modes).filter(([, s]) => (minNdcg !== undefined && s.ndcg10.mean < minNdcg) || (minRecall !== undefined && s.recall.mean < minRecall));
  if (low.length > 0) {
    process.stderr.write(`keel knowledge eval: below the gate in ${low.map(([m]) => m).join(", ")}\n`);
    process.exitCode = 1;
  }
}

interface QuarantineView { chunk_id: number; vector_store_id: string; document_id: string; ordinal: number; verdict: { scanner: string; score: number; types: string[] }[]; chars: number; excerpt: string | null }

export async function listQuarantine(c: Conn, o: { limit: string; json?: boolean }): Promise<void> {
  const limit = intOpt(o.limit, "limit", 1, 500, 100);
  const { data } = await new AdminClient(c.url, c.token).call<{ data: QuarantineView[] }>("GET", `/api/v1/knowledge/quarantine?limit=${limit}`);
  if (o.json) return out(data.map((d) => JSON.stringify(d)).join("\n") || "");
  if (data.length === 0) return out("no quarantined chunks");
  out(table(["CHUNK", "STORE", "DOCUMENT", "VERDICT", "EXCERPT"], data.map((d) => [d.chunk_id, d.vector_store_id, d.document_id, d.verdict.map((v) => `${v.scanner} ${v.score} (${v.types.join(",")})`).join("; "), d.excerpt === null ? `(${d.chars} chars, withheld)` : d.excerpt.replace(/\s+/g, " ").slice(0, 60)])));
}

export async function releaseChunk(c: Conn, chunk: string, o: { reason?: string }): Promise<void> {
  if (!/^\d{1,15}$/.test(chunk)) throw new Error("a chunk id is a positive integer (see `keel knowledge quarantine list`)");
  const r = await new AdminClient(c.url, c.token).call<{ chunk_id: number; vector_store_id: string }>("POST", `/api/v1/knowledge/quarantine/${chunk}/release`, o.reason ? { reason: o.reason } : {});
  out(`released chunk ${r.chunk_id} in ${r.vector_store_id}`);
}

interface ConflictSideView { file_id: string; document_version: number; chunk_id: number; text: string; value: string }
interface ConflictView { id: string; store_id: string; status: string; kind: string; left: ConflictSideView; right: ConflictSideView; similarity: number; resolved_by?: string; note?: string }

export async function listConflicts(c: Conn, o: { store?: string; status: string; limit: string; json?: boolean }): Promise<void> {
  const limit = intOpt(o.limit, "limit", 1, 200, 50);
  const q = new URLSearchParams({ status: o.status, limit: String(limit) });
  if (o.store) q.set("store_id", o.store);
  const { data } = await new AdminClient(c.url, c.token).call<{ data: ConflictView[] }>("GET", `/api/v1/knowledge/conflicts?${q}`);
  if (o.json) return out(data.map((d) => JSON.stringify(d)).join("\n") || "");
  if (data.length === 0) return out(`no ${o.status} conflicts`);
  const cut = (s: string): string => s.replace(/\s+/g, " ").slice(0, 50);
  out(table(["ID", "STORE", "KIND", "LEFT", "RIGHT", "SIM", "STATUS"], data.map((d) => [
    d.id, d.store_id, d.kind, `${d.left.value} (${d.left.file_id} v${d.left.document_version}): ${cut(d.left.text)}`, `${d.right.value} (${d.right.file_id} v${d.right.document_version}): ${cut(d.right.text)}`, d.similarity.toFixed(2), d.status,
  ])));
}

export async function resolveConflict(c: Conn, id: string, o: { note?: string; dismiss?: boolean; reopen?: boolean }): Promise<void> {
  if (!/^kc_[0-9a-f]{1,60}$/.test(id)) throw new Error("a conflict id looks like kc_… (see `keel knowledge conflicts`)");
  if (o.dismiss && o.reopen) throw new Error("give one of --dismiss and --reopen");
  const status = o.dismiss ? "dismissed" : o.reopen ? "open" : "resolved";
  const r = await new AdminClient(c.url, c.token).call<ConflictView>("POST", `/api/v1/knowledge/conflicts/${id}/resolve`, { status, ...(o.note ? { note: o.note } : {}) });
  out(`${r.id}: ${r.status}${r.resolved_by ? ` by ${r.resolved_by}` : ""}`);
}

export async function scanConflicts(c: Conn, o: { store: string }): Promise<void> {
  const r = await new AdminClient(c.url, c.token).call<{ new_conflicts: number; open: number }>("POST", "/api/v1/knowledge/conflicts/scan", { store_id: o.store });
  out(`${o.store}: ${r.new_conflicts} new conflicts, ${r.open} open`);
}

interface StoreView { id: string; name: string; files: { total: number; failed: number }; documents: number; versions: number; superseded: number; stale: number; max_age_s: number | null; last_active_at: string }

/** `keel knowledge stores`: every vector store with its documents and freshness (GET /api/v1/knowledge/stores). */
export async function listStores(c: Conn, o: { limit: string; json?: boolean }): Promise<void> {
  const limit = intOpt(o.limit, "limit", 1, 100, 100);
  const { data } = await new AdminClient(c.url, c.token).call<{ data: StoreView[] }>("GET", `/api/v1/knowledge/stores?limit=${limit}`);
  if (o.json) return out(data.map((d) => JSON.stringify(d)).join("\n") || "");
  if (data.length === 0) return out("no vector stores");
  out(table(["ID", "NAME", "FILES", "FAILED", "DOCUMENTS", "SUPERSEDED", "STALE", "MAX AGE", "LAST ACTIVE"], data.map((d) => [
    d.id, d.name, d.files.total, d.files.failed, d.documents, d.superseded, d.stale, d.max_age_s === null ? "-" : `${d.max_age_s}s`, d.last_active_at,
  ])));
}

interface DocView { id: string; source_uri: string; filename: string | null; version: number; content_hash: string; age_s: number; stale: boolean; stale_reason: string | null; owner: string | null; licence: string | null }

/** `keel knowledge docs STORE`: a store's document versions, newest first, with age and staleness. */
export async function listDocs(c: Conn, store: string, o: { limit: string; live?: boolean; json?: boolean }): Promise<void> {
  const limit = intOpt(o.limit, "limit", 1, 500, 200);
  const { data } = await new AdminClient(c.url, c.token).call<{ data: DocView[] }>("GET", `/api/v1/knowledge/stores/${encodeURIComponent(store)}/documents?limit=${limit}&superseded=${o.live ? "false" : "true"}`);
  if (o.json) return out(data.map((d) => JSON.stringify(d)).join("\n") || "");
  if (data.length === 0) return out(`no documents in ${store}`);
  out(table(["DOCUMENT", "SOURCE", "VERSION", "HASH", "AGE", "FRESHNESS", "OWNER", "LICENCE"], data.map((d) => [
    d.id, d.source_uri, `v${d.version}`, d.content_hash.slice(0, 12), `${d.age_s}s`, d.stale ? d.stale_reason ?? "stale" : "fresh", d.owner ?? "-", d.licence ?? "-",
  ])));
}

interface HitView { file_id: string; filename: string; score: number; stale: boolean; stale_reason: string | null; chunk_id: number; content: { text: string }[]; document: { source_uri: string; version: number } }

/** `keel knowledge search STORE QUERY`: the store's hybrid search as a caller gets it (POST /v1/vector_stores/:id/search). */
export async function searchStoreCli(c: Conn, store: string, query: string, o: { limit: string; threshold?: string; json?: boolean }): Promise<void> {
  const n = intOpt(o.limit, "limit", 1, 50, 10);
  const threshold = rateOpt(o.threshold, "threshold");
  if (!query.trim()) throw new Error("give a query: keel knowledge search STORE \"what to look for\"");
  if (query.length > 4096) throw new Error("a query is at most 4096 characters");
  const body = { query, max_num_results: n, ...(threshold === undefined ? {} : { ranking_options: { score_threshold: threshold } }) };
  const { data } = await new AdminClient(c.url, c.token).call<{ data: HitView[] }>("POST", `/v1/vector_stores/${encodeURIComponent(store)}/search`, body);
  if (o.json) return out(data.map((d) => JSON.stringify(d)).join("\n") || "");
  if (data.length === 0) return out("no results");
  out(table(["SCORE", "CHUNK", "SOURCE", "VERSION", "FRESHNESS", "TEXT"], data.map((d) => [
    d.score.toFixed(3), d.chunk_id, d.document.source_uri, `v${d.document.version}`, d.stale ? d.stale_reason ?? "stale" : "fresh", (d.content[0]?.text ?? "").replace(/\s+/g, " ").slice(0, 70),
  ])));
}

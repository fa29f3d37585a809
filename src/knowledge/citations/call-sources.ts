/**
 * The chunks one call may cite, from both places they can come from: the request itself (numbered
 * context documents, file-search results in tool messages) and Keel's retrieval spans recorded
 * under the call's trace (a search made with the caller's `traceparent`, retrieval-span.ts).
 */
import type { ChatMessage } from "../../api/chat-types.js";
import type { IngestedSpan } from "../../observe/otel/otlp-ingest.js";
import type { KnowledgeStore } from "../knowledge-store.js";
import { type CitableChunk, fileSearchResults, numberedDocuments } from "../../evals/citations/sources.js";

function textOf(m: ChatMessage): string {
  if (typeof m.content === "string") return m.content;
  if (!Array.isArray(m.content)) return "";
  return m.content.map((p) => (p && p.type === "text" && typeof (p as { text?: unknown }).text === "string" ? (p as { text: string }).text : "")).join("\n");
}

/**
 * Chunks the request carried: numbered documents in system, developer, user and tool messages, and
 * a tool message whose content is JSON with a `results` (or `data`) array of file-search results.
 */
export function carriedChunks(messages: readonly ChatMessage[]): CitableChunk[] {
  const out: CitableChunk[] = [];
  for (const m of messages) {
    if (m.role === "assistant") continue;
    const text = textOf(m);
    if (!text) continue;
    if (m.role === "tool" && /^\s*[[{]/.test(text)) {
      const results = searchResultsIn(text);
      if (results) {
        out.push(...fileSearchResults(results));
        continue;
      }
    }
    out.push(...numberedDocuments(text));
  }
  return out;
}

function searchResultsIn(json: string): unknown[] | null {
  try {
    const v = JSON.parse(json) as unknown;
    if (Array.isArray(v)) return v;
    if (v && typeof v === "object") {
      const o = v as { results?: unknown; data?: unknown };
      if (Array.isArray(o.results)) return o.results;
      if (Array.isArray(o.data)) return o.data;
    }
  } catch {
    // Not JSON: read as text.
  }
  return null;
}

interface SpanResult { chunk_id?: unknown; file_id?: unknown }

/**
 * Chunks of Keel's retrieval spans in a trace, in retrieval order, numbered from 1 (as an
 * application numbers the results it puts in its prompt). The span keeps chunk ids, never text;
 * the text is read back from the knowledge store, so a chunk deleted since is not citable.
 */
export function retrievedChunks(spans: readonly IngestedSpan[], store: Pick<KnowledgeStore, "getChunks" | "getFile">): CitableChunk[] {
  const ids: { key: number; fileId: string | undefined }[] = [];
  for (const s of spans) {
    if (s.attributes["gen_ai.operation.name"] !== "retrieval") continue;
    const raw = s.attributes["keel.retrieval.results"];
    if (typeof raw !== "string") continue;
    let results: SpanResult[];
    try {
      results = JSON.parse(raw) as SpanResult[];
    } catch {
      continue;
    }
    if (!Array.isArray(results)) continue;
    for (const r of results) if (typeof r?.chunk_id === "number") ids.push({ key: r.chunk_id, fileId: typeof r.file_id === "string" ? r.file_id : undefined });
  }
  if (ids.length === 0) return [];
  const byKey = new Map(store.getChunks([...new Set(ids.map((x) => x.key))]).map((c) => [c.key, c]));
  const names = new Map<string, string | undefined>();
  const out: CitableChunk[] = [];
  ids.forEach((x) => {
    const c = byKey.get(x.key);
    if (!c) return;
    if (x.fileId && !names.has(x.fileId)) names.set(x.fileId, store.getFile(x.fileId)?.filename);
    const filename = x.fileId ? names.get(x.fileId) : undefined;
    out.push({ text: c.text, number: out.length + 1, chunkId: String(c.key), ...(x.fileId ? { fileId: x.fileId } : {}), ...(filename ? { filename } : {}) });
  });
  return out;
}

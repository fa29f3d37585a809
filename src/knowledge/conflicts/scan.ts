import { dot } from "../../providers/embeddings/vector.js";
import type { KnowledgeStore } from "../knowledge-store.js";
import type { ChunkRecord, ConflictRecord, DocumentRecord } from "../types.js";
import { compareSentenceSets, DETECT_DEFAULTS, type DetectOptions, valueSentences } from "./detect.js";
import type { SentenceValues } from "./values.js";

export interface ScanOptions extends DetectOptions {
  /** Cosine similarity of two chunks' embeddings for them to be compared at all: near-duplicate passages. */
  minSimilarity: number;
  /** Nearest chunks (by embedding) each chunk is compared with. */
  neighbours: number;
}

export const SCAN_DEFAULTS: Readonly<ScanOptions> = Object.freeze({ ...DETECT_DEFAULTS, minSimilarity: 0.5, neighbours: 20 });

export interface ScanContext {
  store: KnowledgeStore;
  storeId: string;
  /** The store's nearest chunks to a vector (its vector index), best first. */
  nearest: (v: Float32Array, k: number) => readonly number[];
  now: number;
  newId: () => string;
}

/**
 * Conflicts between live (not superseded) documents of one store: each chunk of `focus` (a new
 * document's chunks, or every chunk of the store for a full scan) is compared with its nearest
 * chunks of *other* live documents, and the pairs similar enough are compared sentence by sentence
 * (detect.ts). Neighbours are read by key, so a new document's scan reads its own chunks and at most
 * `neighbours` more per chunk — never the whole store. Off the request path: run by the ingestion
 * queue after a document is stored, and on demand for a whole store.
 */
export function scanConflicts(c: ScanContext, focus: readonly ChunkRecord[], o: ScanOptions = SCAN_DEFAULTS): ConflictRecord[] {
  const live = new Map<string, DocumentRecord>();
  for (const d of c.store.documentsOf(c.storeId)) if (d.supersededAt === null) live.set(d.id, d);
  const usable = (ch: ChunkRecord | undefined): ch is ChunkRecord => ch !== undefined && ch.status === "live" && ch.storeId === c.storeId && live.has(ch.documentId);
  const known = new Map<number, ChunkRecord>();
  for (const ch of focus) known.set(ch.key, ch);
  const sentences = new Map<number, SentenceValues[]>();
  const valuesOfChunk = (ch: ChunkRecord): SentenceValues[] => {
    let s = sentences.get(ch.key);
    if (!s) sentences.set(ch.key, (s = valueSentences(ch.text)));
    return s;
  };
  const seen = new Set<string>();
  const out: ConflictRecord[] = [];
  for (const a of focus) {
    if (!usable(a) || valuesOfChunk(a).length === 0) continue;
    const keys = c.nearest(a.embedding, o.neighbours + 1).filter((k) => k !== a.key);
    const missing = keys.filter((k) => !known.has(k));
    for (const ch of c.store.getChunks(missing)) known.set(ch.key, ch);
    for (const key of keys) {
      const b = known.get(key);
      if (!usable(b) || b.documentId === a.documentId) continue;
      const [l, r] = a.key < b.key ? [a, b] : [b, a];
      const pair = `${l.key}:${r.key}`;
      if (seen.has(pair)) continue;
      seen.add(pair);
      const similarity = dot(l.embedding, r.embedding);
      if (similarity < o.minSimilarity) continue;
      const ld = live.get(l.documentId)!;
      const rd = live.get(r.documentId)!;
      for (const f of compareSentenceSets(valuesOfChunk(l), valuesOfChunk(r), o)) {
        out.push({
          id: c.newId(), storeId: c.storeId, status: "open", kind: f.kind,
          left: { documentId: ld.id, fileId: ld.fileId, version: ld.version, chunkKey: l.key, text: f.left.text, value: f.left.value },
          right: { documentId: rd.id, fileId: rd.fileId, version: rd.version, chunkKey: r.key, text: f.right.text, value: f.right.value },
          similarity: Math.round(similarity * 1000) / 1000, overlap: f.overlap, detectedAt: c.now, resolvedBy: null, resolvedAt: null, note: null,
        });
      }
    }
  }
  return out;
}

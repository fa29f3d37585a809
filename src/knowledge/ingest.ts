import { createHash } from "node:crypto";
import type { Embedder } from "../providers/embeddings/embedder.js";
import { chunkText } from "./chunker.js";
import { ExtractError, extractText } from "./extract.js";
import type { ChunkingOptions } from "./knowledge-schema.js";
import type { KnowledgeStore } from "./knowledge-store.js";
import type { ChunkScreen } from "./screening.js";
import type { ChunkRecord, DocumentRecord, StoreFileRecord } from "./types.js";

export interface IngestDeps {
  store: KnowledgeStore;
  embedder: Embedder;
  screen: ChunkScreen | null;
  chunking: ChunkingOptions;
  maxChunks: number;
  now: () => number;
  newId: () => string;
}

export interface IngestOutcome {
  attachment: StoreFileRecord;
  /** Chunks inserted (live and quarantined), for the caller's indexes. */
  inserted: ChunkRecord[];
}

const EMBED_GROUP = 64;

export const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

/**
 * Ingests one attachment: extract → chunk → dedup → screen → embed → one transaction that stores
 * the new document version and supersedes the previous one of the same source. Never throws: an
 * unsupported or corrupt file, an empty text or an embedder failure ends as `failed` with its reason.
 */
export async function ingestAttachment(d: IngestDeps, a: StoreFileRecord): Promise<IngestOutcome> {
  const fail = (code: string, message: string): IngestOutcome => ({ attachment: { ...a, status: "failed", lastError: { code, message } }, inserted: [] });
  try {
    const file = d.store.getFile(a.fileId);
    const bytes = d.store.fileContent(a.fileId);
    if (!file || !bytes) return fail("invalid_file", `File ${a.fileId} no longer exists.`);
    const text = await extractText(file.filename, bytes);
    const contentHash = sha256(text);
    const sourceUri = typeof a.attributes.source_uri === "string" ? a.attributes.source_uri : file.filename;
    const latest = d.store.latestDocument(a.storeId, sourceUri);
    // The same source with the same content is the same version: nothing new to index.
    if (latest && latest.supersededAt === null && latest.contentHash === contentHash) {
      return { attachment: { ...a, status: "completed", lastError: null, documentId: latest.id, chunks: 0, quarantined: 0 }, inserted: [] };
    }
    const pieces = dedup(chunkText(text, d.chunking));
    if (pieces.length === 0) return fail("invalid_file", "The file has no text to index.");
    if (pieces.length > d.maxChunks) return fail("invalid_file", `The file makes ${pieces.length} chunks; the limit is ${d.maxChunks} (knowledge.max_chunks_per_file).`);
    const vectors: Float32Array[] = [];
    for (let i = 0; i < pieces.length; i += EMBED_GROUP) {
      const group = pieces.slice(i, i + EMBED_GROUP).map((p) => p.slice(0, d.embedder.maxInputChars));
      vectors.push(...(await d.embedder.embed(group)));
    }
    const now = d.now();
    const doc: DocumentRecord = {
      id: d.newId(),
      storeId: a.storeId,
      fileId: a.fileId,
      sourceUri,
      contentHash,
      version: (latest?.version ?? 0) + 1,
      validFrom: numberAttr(a.attributes.valid_from) ?? now,
      updatedAt: now,
      expiresAt: numberAttr(a.attributes.expires_at),
      owner: stringAttr(a.attributes.owner) ?? file.owner,
      licence: stringAttr(a.attributes.licence) ?? stringAttr(a.attributes.license),
      supersededAt: null,
    };
    const chunks: Omit<ChunkRecord, "key">[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const verdict = d.screen ? await d.screen(pieces[i]) : null;
      chunks.push({ documentId: doc.id, storeId: a.storeId, ordinal: i, text: pieces[i], textHash: sha256(pieces[i]), embedding: vectors[i], status: verdict ? "quarantined" : "live", verdict });
    }
    const inserted = d.store.insertDocument(doc, chunks, latest && latest.supersededAt === null ? latest.id : undefined);
    const quarantined = inserted.filter((c) => c.status === "quarantined").length;
    return { attachment: { ...a, status: "completed", lastError: null, documentId: doc.id, chunks: inserted.length, quarantined }, inserted };
  } catch (err) {
    if (err instanceof ExtractError) return fail(err.code, err.message);
    return fail("server_error", String((err as Error)?.message ?? err).slice(0, 300));
  }
}

/** Identical chunks (after trimming) are kept once, first occurrence. */
function dedup(pieces: string[]): string[] {
  const seen = new Set<string>();
  return pieces.filter((p) => !seen.has(p) && (seen.add(p), true));
}

/** Attribute times are epoch seconds (OpenAI attributes are numbers or strings); an ISO string is accepted too. */
function numberAttr(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === "string") {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

function stringAttr(v: unknown): string | null {
  return typeof v === "string" && v.length > 0 ? v : null;
}

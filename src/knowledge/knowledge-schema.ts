import { z } from "zod";

/** Chunking in characters; OpenAI's token-based `static` strategy is converted at 4 characters a token. */
export const chunkingSchema = z.strictObject({
  /** Longest chunk, in characters (~200 tokens): short enough for one USE-lite embedding to stay specific. */
  size: z.int().min(100).max(16_000).default(800),
  /** Characters repeated from the end of one chunk at the start of the next, so a sentence cut at a boundary is whole in one of them. */
  overlap: z.int().min(0).max(8_000).default(200),
});
export type ChunkingOptions = z.output<typeof chunkingSchema>;

/** `knowledge:` in keel.yaml — document stores, ingestion and retrieval (docs/knowledge.md). */
export const knowledgeConfigSchema = z
  .strictObject({
    /** Largest upload to /v1/files; a bigger one is refused with 413 before its body is read. */
    max_file_bytes: z.int().min(1024).max(512 * 1024 * 1024).default(20 * 1024 * 1024),
    chunking: chunkingSchema.prefault({}),
    /** A file that chunks into more than this fails (`invalid_file`) rather than holding the ingestion queue for hours. */
    max_chunks_per_file: z.int().min(1).max(1_000_000).default(5000),
    /** Reciprocal rank fusion constant: score = Σ 1/(k + rank). 60 is Cormack et al.'s (2009) value. */
    rrf_k: z.int().min(1).max(1000).default(60),
    /** Vector index: "hnsw" (usearch, approximate) or "exact" (brute force, the reference). */
    index: z.enum(["hnsw", "exact"]).default("hnsw"),
    /** Screen every chunk with the guard's document-source scanners (indirect injection, secrets) before it is searchable. */
    screening: z.boolean().default(true),
    /** After each ingestion, compare the new document with the store's other live documents and record value conflicts (docs/knowledge.md#conflicts). */
    conflicts: z.boolean().default(true),
  })
  .prefault({});
export type KnowledgeConfig = z.output<typeof knowledgeConfigSchema>;

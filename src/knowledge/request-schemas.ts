import { z } from "zod";
import { attributeFilterSchema } from "./attribute-filter.js";

/** Request bodies of the vector store surface (OpenAI's fields, bounded; Keel's own prefixed `keel_`). */
const attributes = z.record(z.string().max(64), z.union([z.string().max(512), z.number(), z.boolean()])).refine((a) => Object.keys(a).length <= 16, "at most 16 attributes");
const metadata = z.record(z.string().max(64), z.string().max(512)).refine((m) => Object.keys(m).length <= 16, "at most 16 metadata keys");

/** Keel's share list: keys (ids, `key_…`) and teams that may read and search a store besides its tenant. */
export const accessBody = z.strictObject({
  keys: z.array(z.string().min(1).max(128)).max(100).optional(),
  teams: z.array(z.string().min(1).max(128)).max(100).optional(),
}).transform((a) => ({ keys: [...new Set(a.keys ?? [])], teams: [...new Set(a.teams ?? [])] }));

export const chunkingStrategy = z.union([
  z.strictObject({ type: z.literal("auto") }),
  z.strictObject({
    type: z.literal("static"),
    static: z.strictObject({ max_chunk_size_tokens: z.int().min(100).max(4096), chunk_overlap_tokens: z.int().min(0) }),
  }).refine((c) => c.static.chunk_overlap_tokens <= c.static.max_chunk_size_tokens / 2, { message: "chunk_overlap_tokens must not exceed half of max_chunk_size_tokens", path: ["static", "chunk_overlap_tokens"] }),
]);

export const createStoreBody = z.strictObject({
  name: z.string().max(256).optional(),
  file_ids: z.array(z.string().max(64)).max(500).optional(),
  metadata: metadata.optional(),
  chunking_strategy: chunkingStrategy.optional(),
  expires_after: z.unknown().optional(),
  description: z.string().max(512).optional(),
  /** Documents not updated for this long are served with `stale: true`. */
  keel_max_age_s: z.int().min(1).max(100 * 365 * 86_400).nullable().optional(),
  keel_access: accessBody.optional(),
});

export const updateStoreBody = z.strictObject({
  name: z.string().max(256).nullable().optional(),
  metadata: metadata.nullable().optional(),
  expires_after: z.unknown().optional(),
  keel_max_age_s: z.int().min(1).max(100 * 365 * 86_400).nullable().optional(),
  /** Replaces the share list; only the store's tenant (or the admin token) may change it. */
  keel_access: accessBody.optional(),
});

export const attachBody = z.strictObject({
  file_id: z.string().min(1).max(64),
  attributes: attributes.optional(),
});

export const searchBody = z.strictObject({
  query: z.union([z.string().min(1).max(4000), z.array(z.string().min(1).max(4000)).min(1).max(1)]),
  max_num_results: z.int().min(1).max(50).default(10),
  filters: attributeFilterSchema.optional(),
  ranking_options: z.strictObject({ ranker: z.string().max(64).optional(), score_threshold: z.number().min(0).max(1).optional() }).optional(),
  rewrite_query: z.boolean().optional(),
  keel_mode: z.enum(["hybrid", "vector", "keyword"]).optional(),
  keel_include_superseded: z.boolean().optional(),
});

export const releaseBody = z.strictObject({ reason: z.string().min(1).max(1000).optional() });

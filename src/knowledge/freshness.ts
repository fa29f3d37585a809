import type { DocumentRecord, VectorStoreRecord } from "./types.js";

export interface Freshness {
  /** True when superseded by a newer version, past its `expires_at`, or older than the store's max age. */
  stale: boolean;
  /** Seconds since the document version was last updated. */
  ageS: number;
  reason: "superseded" | "expired" | "max_age" | null;
}

/** Pure: the freshness of a document version at `now` (epoch ms) under its store's max age. */
export function freshnessOf(doc: DocumentRecord, store: Pick<VectorStoreRecord, "maxAgeMs">, now: number): Freshness {
  const ageS = Math.max(0, Math.round((now - doc.updatedAt) / 1000));
  if (doc.supersededAt !== null) return { stale: true, ageS, reason: "superseded" };
  if (doc.expiresAt !== null && now >= doc.expiresAt) return { stale: true, ageS, reason: "expired" };
  if (store.maxAgeMs !== null && now - doc.updatedAt > store.maxAgeMs) return { stale: true, ageS, reason: "max_age" };
  return { stale: false, ageS, reason: null };
}

export type ReviewStatus = "open" | "confirmed" | "rejected";

/** A guardrail verdict a reviewer marked as a false positive, as the API returns it (snake_case, ISO times). */
export interface ReviewItem {
  id: string;
  trace_id: string;
  scanner: string;
  source: string;
  action: string;
  score: number;
  findings: string[] | null;
  model: string | null;
  route: string | null;
  trace_started_at: string;
  excerpt: string | null;
  note: string | null;
  marked_by: string;
  marked_at: string;
  status: ReviewStatus;
  resolved_by: string | null;
  resolved_at: string | null;
  resolution_note: string | null;
}

/** What marking copies from the trace, plus who marked it and why. */
export interface NewReview {
  traceId: string;
  scanner: string;
  source: string;
  action: string;
  score: number;
  findings: string[] | null;
  model: string | null;
  route: string | null;
  traceStartedAt: number;
  excerpt: string | null;
  note: string | null;
  markedBy: string;
}

export interface ReviewFilter {
  status: ReviewStatus | "all";
  scanner?: string;
  limit: number;
  cursor?: string;
}

export interface FalsePositiveQuery {
  since?: number;
  until?: number;
  route?: string;
  scanner?: string;
}

/** Review ids: `gfp_` and 16 hex digits. */
export const REVIEW_ID = /^gfp_[0-9a-f]{16}$/;

/**
 * The false-positive review list: one item per trace, scanner and source, copying what a reviewer
 * needs from the trace so it outlives the trace's retention (except the excerpt). The contract is
 * `review-store.contract.ts`.
 */
export interface GuardReviewStore {
  /** Throws `conflict` when this trace's verdict from this scanner and source is already on the list. */
  mark(r: NewReview, now?: number): ReviewItem;
  get(id: string): ReviewItem | undefined;
  /** Settles an open item; throws `not_found` for an unknown id and `conflict` for one already resolved. */
  resolve(id: string, status: "confirmed" | "rejected", by: string, note: string | null, now?: number): ReviewItem;
  /** Newest marked first; the cursor is the last item's (marked_at, id). Throws RangeError on a bad cursor. */
  list(f: ReviewFilter): { data: ReviewItem[]; nextCursor: string | null };
  /** Open and confirmed marks per `fpKey(scanner, route)`, over traces started in the range. */
  falsePositives(q: FalsePositiveQuery): Map<string, number>;
  /** Drops the excerpts of items whose trace started before `ts`; returns how many. */
  expireExcerptsBefore(ts: number): number;
}

/** The key `falsePositives` counts under. */
export function fpKey(scanner: string, route: string): string {
  return `${scanner}\u0000${route}`;
}


import type { ExportFormat, QueueFilter, Reviewer, Rubric } from "./queue-schema.js";

export type ItemState = "pending" | "in_review" | "done" | "skipped";
export const ITEM_STATES: readonly ItemState[] = ["pending", "in_review", "done", "skipped"];

export interface QueueRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly filter: QueueFilter;
  readonly rubric: Rubric;
  readonly reviewers: readonly Reviewer[];
  readonly reviewersPerItem: number;
  readonly minAgreement: number | null;
  readonly licence: string | null;
  readonly createdAt: number;
}

/** A chat message as the snapshot keeps it (text content only: what fine-tuning formats take). */
export interface SnapshotMessage {
  readonly role: "system" | "developer" | "user" | "assistant" | "tool";
  readonly content: string;
}

/** One trace, snapshotted when the queue was built: later retention or purges do not change it. */
export interface QueueItem {
  readonly id: string;
  readonly queueId: string;
  /** 0-based, in the order the queue was built: the order reviewers are served. */
  readonly position: number;
  readonly traceId: string;
  readonly input: readonly SnapshotMessage[];
  readonly output: string;
  readonly model: string;
  readonly route: string;
  readonly promptName: string | null;
  readonly promptVersion: number | null;
  readonly feature: string | null;
  readonly tracedAt: number;
  readonly state: ItemState;
}

export interface LabelRecord {
  readonly queueId: string;
  readonly itemId: string;
  readonly reviewer: string;
  readonly expertise: Reviewer["expertise"];
  /** Per dimension: the label (nominal) or number (range), already checked against the rubric. */
  readonly values: Readonly<Record<string, string | number>>;
  readonly critique: string | null;
  readonly correction: string | null;
  readonly at: number;
}

/**
 * One export, immutable and content-addressed: keyed by the sha256 of its canonical rows (the
 * JSONL text, one row per line in the format's fixed field order), so the same rows give the same
 * key whatever the time or the output file type.
 */
export interface ExportRecord {
  readonly hash: string;
  readonly format: ExportFormat;
  /** The sources it read, as given to `--from` (`queue:NAME`, `feedback`, `pairwise:RUN_ID`, …). */
  readonly sources: readonly string[];
  /** The options that shaped it (since, limit, balance, force, max synthetic share, …). */
  readonly filters: Readonly<Record<string, unknown>>;
  readonly counts: { readonly rows: number; readonly origins: Readonly<Record<string, number>>; readonly sources: Readonly<Record<string, number>>; readonly synthetic_share: number };
  readonly card: string;
  /** The rows as JSONL (what the hash covers) and the line-aligned provenance JSONL. */
  readonly jsonl: string;
  readonly provenance: string;
  readonly actor: string | null;
  readonly createdAt: number;
}

/** Annotation queues, their item snapshots and labels. The contract is `annotation-store.contract.ts`. */
export interface AnnotationStore {
  /** Inserts the queue and its items atomically; false (and nothing written) when the name is taken. */
  createQueue(q: QueueRecord, items: readonly Omit<QueueItem, "state">[]): boolean;
  getQueue(name: string): QueueRecord | undefined;
  /** Ordered by name. */
  listQueues(): QueueRecord[];
  /** Items of a queue by position ascending. */
  items(queueId: string): QueueItem[];
  getItem(queueId: string, itemId: string): QueueItem | undefined;
  /** Item counts per state (every state present, 0 when none). */
  stateCounts(queueId: string): Record<ItemState, number>;
  setState(queueId: string, itemId: string, state: ItemState): void;
  /** A reviewer's second label on an item replaces the first (same key: queue, item, reviewer). */
  putLabel(l: LabelRecord): void;
  /** Labels of a queue, by item position, then time, then reviewer. */
  labels(queueId: string): LabelRecord[];
  /** Labels of one item, by time then reviewer. */
  itemLabels(queueId: string, itemId: string): LabelRecord[];
  /** Stores an export once: false (and nothing changed) when its hash is already stored — records are immutable. */
  putExport(r: ExportRecord): boolean;
  getExport(hash: string): ExportRecord | undefined;
  /** Newest first (created_at descending, then hash), at most `limit`. */
  listExports(limit: number): ExportRecord[];
}

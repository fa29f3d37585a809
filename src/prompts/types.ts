import type { FunctionTool, ResponseFormat } from "../api/chat-types.js";

export type PromptType = "text" | "chat";
export type PromptRole = "system" | "developer" | "user" | "assistant";

export interface PromptMessage {
  role: PromptRole;
  /** Template text: `{{variable}}`, `{{> other-prompt@label}}`, `\{{` for a literal `{{`. */
  content: string;
}

/** What a version holds besides its text: applied to the call unless the request sets the same field. */
export interface PromptConfig {
  model?: string;
  /** Sampling and output parameters (temperature, top_p, max_tokens, stop, seed, …). */
  params?: Record<string, unknown>;
  tools?: FunctionTool[];
  response_format?: ResponseFormat;
}

/** The immutable body of a version. Its canonical JSON is what the content hash covers. */
export type PromptContent = PromptConfig & ({ type: "text"; text: string } | { type: "chat"; messages: PromptMessage[] });

export interface PromptVersion {
  name: string;
  version: number;
  /** SHA-256 of the canonical content: equal content, equal hash. */
  hash: string;
  content: PromptContent;
  /** The commit message. */
  message: string | null;
  author: string;
  createdAt: number;
}

export interface NewVersion {
  name: string;
  hash: string;
  content: PromptContent;
  message: string | null;
  author: string;
  createdAt: number;
}

export interface LabelRecord {
  name: string;
  label: string;
  version: number;
  updatedAt: number;
  updatedBy: string;
}

/** One move of a label; rollback walks these back. */
export interface LabelMove {
  name: string;
  label: string;
  from: number | null;
  to: number | null;
  kind: "set" | "rollback" | "delete";
  at: number;
  actor: string;
  reason: string | null;
}

export type RolloutStatus = "running" | "completed" | "halted" | "aborted";

export interface RolloutRecord {
  id: string;
  name: string;
  label: string;
  fromVersion: number;
  toVersion: number;
  /** Percent of traffic on the new version at each step, ascending, ending at 100. */
  steps: number[];
  stepIndex: number;
  status: RolloutStatus;
  /** The resolved settings (thresholds, alpha, minimum samples, auto-advance) this rollout runs with. */
  settings: RolloutSettings;
  startedAt: number;
  stepStartedAt: number;
  endedAt: number | null;
  actor: string;
  reason: string | null;
  /** Why it ended: the comparison that halted it, or who promoted or aborted it. */
  outcome: unknown;
}

export interface RolloutSettings {
  /** Samples each arm needs for a metric before that metric is compared at all. */
  min_samples: number;
  /** Family-wise false-halt budget across metrics and looks. */
  alpha: number;
  /** How many checkpoints (n, 2n, 4n, … samples) the alpha budget is split over. */
  max_looks: number;
  /** Move to the next step after this long at a step, if the comparison found nothing; 0 = manual promote only. */
  auto_advance_ms: number;
  /** How much worse B may be before a significant difference halts it (see docs/prompts.md). */
  thresholds: {
    /** Absolute increase in error rate (0.02 = two percentage points). */
    error_rate: number;
    /** Relative increase in latency (0.25 = B 25% slower). */
    latency: number;
    /** Relative increase in cost per call. */
    cost: number;
    /** Absolute increase in guard trigger rate. */
    guard_trigger_rate: number;
    /** Absolute decrease of any eval, judge or feedback score (scores are on their own scale, usually 0–1). */
    score: number;
  };
}

/**
 * Storage for the registry. Versions are immutable; labels and rollouts change. `createVersion`
 * and `setLabel` are atomic against other writers (another instance on the same database), so two
 * racing pushes never lose an update: the version number is assigned inside the write.
 */
export interface PromptStore {
  allVersions(): PromptVersion[];
  versions(name: string): PromptVersion[];
  /** Inserts version = newest + 1, unless the newest version already has `draft.hash`: then returns it with created=false. */
  createVersion(draft: NewVersion): { version: PromptVersion; created: boolean };
  allLabels(): LabelRecord[];
  labels(name: string): LabelRecord[];
  /**
   * Points `label` at `version` (null deletes it) and appends the move, when the label currently
   * points at `expected` (undefined: any). Returns false, changing nothing, when it does not.
   */
  moveLabel(move: LabelMove, expected: number | null | undefined): boolean;
  labelMoves(name: string, label: string, limit: number): LabelMove[];
  saveRollout(r: RolloutRecord): void;
  rollouts(filter: { name?: string; label?: string; status?: RolloutStatus; limit: number }): RolloutRecord[];
  /** Runs `fn` in one transaction: everything it writes lands, or nothing does. */
  atomically<T>(fn: () => T): T;
}

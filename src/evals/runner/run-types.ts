import type { EvaluatorConfig } from "../evaluators/registry.js";
import type { EvalResult, EvaluatorFamily } from "../evaluators/types.js";
import type { RunSummary } from "./summary.js";
import type { TargetOutput } from "./target.js";

export type RunStatus = "running" | "completed" | "budget_exceeded" | "cancelled" | "failed";

/** A metric as the run configured it: what summaries, comparisons and gates need to know. */
export interface MetricSpec {
  readonly name: string;
  readonly kind: string;
  readonly family: EvaluatorFamily;
  readonly threshold: number;
  /** Judges: which judge, for calibration. */
  readonly fingerprint?: string;
}

export interface RunConfig {
  readonly suite: string;
  readonly target: { readonly description: string; readonly fingerprint: string; readonly config: unknown };
  readonly evaluators: readonly EvaluatorConfig[];
  readonly metrics: readonly MetricSpec[];
  readonly thresholds: Readonly<Record<string, { mean?: number; pass_rate?: number }>>;
  readonly repeats: number;
  readonly budget_usd: number | null;
  readonly baseline_run: string | null;
}

/** A run as stored and served (snake_case: it is an API document). */
export interface RunRecord {
  readonly id: string;
  readonly name: string;
  readonly status: RunStatus;
  readonly dataset: string | null;
  readonly dataset_version: number | null;
  readonly config: RunConfig;
  readonly started_at: string;
  readonly ended_at: string | null;
  readonly cost_usd: number;
  readonly summary: RunSummary | null;
  readonly metadata: Readonly<Record<string, string>>;
}

/** One item × repeat of a run. */
export interface ItemResult {
  readonly item_id: string;
  readonly repeat: number;
  /** Null when the target failed for good (after retries). */
  readonly output: (TargetOutput & { readonly cached: boolean }) | null;
  readonly error: string | null;
  /** metric name → result. */
  readonly scores: Readonly<Record<string, EvalResult>>;
  /** USD spent on this result now: the target call (0 when cached) plus judge calls. */
  readonly cost_usd: number;
}

/** Storage for runs and their results, and the output cache. */
export interface RunStore {
  insertRun(r: RunRecord): void;
  appendResults(runId: string, results: readonly ItemResult[]): void;
  finishRun(runId: string, status: RunStatus, summary: RunSummary, costUsd: number, endedAt: string): boolean;
  getRun(id: string): RunRecord | undefined;
  listRuns(o: { limit: number; name?: string }): RunRecord[];
  results(runId: string): ItemResult[];
  cacheGet(key: string): TargetOutput | undefined;
  cachePut(key: string, output: TargetOutput, at: number): void;
}

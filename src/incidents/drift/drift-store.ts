export interface DriftBaseline {
  model: string;
  prompt: string;
  answer: string;
  /** base64 little-endian float32 (null for an empty answer, which cannot be embedded). */
  embedding: string | null;
  served: string | null;
  fingerprint: string | null;
  /** Evaluator scores of the answer, by evaluator name. */
  scores: Record<string, number>;
  at: number;
}

/** One model's canary run, as kept for the timeline and `GET /api/v1/drift`. */
export interface DriftRun {
  at: number;
  model: string;
  drifted: boolean;
  body: Record<string, unknown>;
}

/** Canary baselines per (model, prompt) and the run history. The contract is `drift-store.contract.ts`. */
export interface DriftStore {
  /** A model's baselines, by prompt. */
  baselines(model: string): Map<string, DriftBaseline>;
  /** Upserts a model's baselines by (model, prompt) and records the run, atomically. */
  record(run: DriftRun, baselines: readonly DriftBaseline[]): void;
  /** Runs in [since, until), newest first, at most `limit` (1000 by default). */
  runs(since: number, until: number, onlyDrifted: boolean, limit?: number): DriftRun[];
}

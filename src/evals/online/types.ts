/** A score attached to a production trace: by an online rule, by user feedback, or through the API. */
export interface TraceScore {
  readonly trace_id: string;
  /** The metric name ("faithfulness", "user_feedback", …). */
  readonly name: string;
  readonly source: "online" | "feedback" | "api";
  /** The online rule (or feedback id) that produced it; "" for API scores. */
  readonly rule_id: string;
  readonly status: "scored" | "undefined" | "error";
  readonly score: number | null;
  readonly passed: boolean | null;
  readonly label: string;
  readonly explanation: string;
  readonly cost_usd: number;
  readonly created_at: string;
}

export interface Feedback {
  readonly id: string;
  readonly trace_id: string;
  /** The virtual key that gave it, or null when given with the admin token. */
  readonly key_id: string | null;
  readonly thumbs: "up" | "down" | null;
  readonly score: number | null;
  readonly comment: string | null;
  readonly correction: string | null;
  readonly created_at: string;
}

export type ScoreGroup = "none" | "model" | "feature" | "key" | "prompt" | "rule";

export interface ScoreSummaryRow {
  readonly name: string;
  readonly group: string | null;
  readonly count: number;
  readonly scored: number;
  readonly mean: number | null;
  /** Share of scored that passed: 1 − this is e.g. the hallucination rate of a faithfulness rule. */
  readonly pass_rate: number | null;
}

export interface ScoreStore {
  /** Idempotent per (trace, name, source, rule): re-scoring a trace changes nothing. */
  addScores(scores: readonly TraceScore[]): number;
  hasScores(traceId: string, ruleId: string): boolean;
  scores(traceId: string): TraceScore[];
  addFeedback(f: Feedback): void;
  feedback(traceId: string): Feedback[];
  /** Aggregates over a time window, grouped by a trace attribute (joined with traces). */
  summary(o: { name?: string; since?: number; until?: number; groupBy: ScoreGroup }): ScoreSummaryRow[];
  /**
   * Mean scored value per (name, source, prompt version of the scored trace) over scores created
   * at or after `since` (what `/metrics` exports), at most 1000 rows.
   */
  meansByPrompt(since: number): PromptScoreMean[];
}

/** `prompt` is `name@vN`, or null for a trace served without a registry prompt. */
export interface PromptScoreMean {
  name: string;
  source: string;
  prompt: string | null;
  mean: number;
  samples: number;
}

export interface OnlineRuleRecord {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly body: unknown;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface OnlineRuleStore {
  put(r: OnlineRuleRecord): void;
  list(): OnlineRuleRecord[];
  get(id: string): OnlineRuleRecord | undefined;
  delete(id: string): boolean;
}

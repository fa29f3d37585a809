/**
 * The evaluator extension point. Every metric — deterministic, embedding, LLM judge, RAG, agent
 * steps — is an `Evaluator`: one case in, one `EvalResult` out. `evaluator.contract.ts` holds the
 * invariants every implementation keeps; `registry.ts` builds them from suite configuration.
 */

/** A tool call with its arguments already parsed (unparsable argument text stays a string). */
export interface ToolCallValue {
  readonly name: string;
  readonly arguments: unknown;
}

/** One step of an agent trajectory: what the agent did, and what came back. */
export interface AgentStep {
  /** The agent's text at this step (reasoning or a message). */
  readonly content?: string;
  readonly toolCall?: ToolCallValue;
  /** The tool's result or the environment's observation that followed. */
  readonly observation?: string;
}

/** What an evaluator sees: the item, the target's answer, and how the call went. */
export interface EvalCase {
  readonly itemId?: string;
  /** The input as text (the last user message, or the rendered prompt). */
  readonly input: string;
  /** The target's text answer; "" when it answered only with tool calls or not at all. */
  readonly output: string;
  readonly toolCalls?: readonly ToolCallValue[];
  /** The reference: expected text, or a JSON value for JSON evaluators. */
  readonly expected?: unknown;
  readonly expectedToolCalls?: readonly ToolCallValue[];
  /** Retrieved context, best-ranked first. Undefined: the item has no retrieval; []: retrieval found nothing. */
  readonly context?: readonly string[];
  /** Ground-truth relevant chunks, for rank-aware context precision and recall. */
  readonly relevantContext?: readonly string[];
  readonly steps?: readonly AgentStep[];
  /** Another output to compare against (pairwise): a baseline run's answer for the same item. */
  readonly baseline?: string;
  readonly latencyMs?: number;
  readonly costUsd?: number;
}

/**
 * Why a metric has no value for a case. Explicit, typed and tested: a metric that does not apply
 * is neither 1.0 nor NaN, and summaries count these apart from scores.
 */
export type UndefinedReason =
  | "no_reference"
  | "no_output"
  | "both_empty"
  | "no_context"
  | "empty_context"
  | "no_claims"
  | "no_relevant_context"
  | "no_steps"
  | "no_measurement"
  | "not_applicable";

export interface ScoredResult {
  readonly status: "scored";
  /** Always in [0, 1]; 1 is best. */
  readonly score: number;
  /** score ≥ the evaluator's threshold. */
  readonly passed: boolean;
  /** A short word for people and dashboards: "pass", "fail", "win", "bad_step_3", … */
  readonly label: string;
  readonly explanation: string;
  /** A judge's raw rating on its own scale (e.g. 4 on 1–5): what calibration compares to experts. */
  readonly rating?: number;
  readonly cost_usd?: number;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface UndefinedResult {
  readonly status: "undefined";
  readonly reason: UndefinedReason;
  readonly label: "undefined";
  readonly explanation: string;
  readonly cost_usd?: number;
}

/** The evaluator could not produce a verdict (a judge that failed or never answered validly). */
export interface ErrorResult {
  readonly status: "error";
  readonly label: "error";
  readonly explanation: string;
  readonly cost_usd?: number;
}

export type EvalResult = ScoredResult | UndefinedResult | ErrorResult;

export type EvaluatorFamily = "deterministic" | "embedding" | "judge" | "rag" | "agent";

export interface Evaluator {
  /** The metric name, unique within a suite (defaults to the kind). */
  readonly name: string;
  readonly kind: string;
  readonly family: EvaluatorFamily;
  /** Per-case pass cut-off on the score. */
  readonly threshold: number;
  /**
   * Judges only: a hash of everything that defines the judge (model, prompt, scale). A calibration
   * is valid for one fingerprint; change the rubric and the judge must be calibrated again.
   */
  readonly fingerprint?: string;
  /** Never throws for a bad case; rejects only when `signal` aborts. */
  evaluate(c: EvalCase, signal?: AbortSignal): Promise<EvalResult>;
}

export function scored(
  score: number,
  threshold: number,
  explanation: string,
  extra: { label?: string; rating?: number; cost_usd?: number; details?: Record<string, unknown> } = {},
): ScoredResult {
  if (!Number.isFinite(score)) throw new RangeError(`a score must be finite, got ${score}`);
  const s = Math.min(1, Math.max(0, score));
  const passed = s >= threshold;
  return { status: "scored", score: s, passed, label: extra.label ?? (passed ? "pass" : "fail"), explanation, ...strip(extra) };
}

export function notDefined(reason: UndefinedReason, explanation: string, cost_usd?: number): UndefinedResult {
  return { status: "undefined", reason, label: "undefined", explanation, ...(cost_usd ? { cost_usd } : {}) };
}

export function failed(explanation: string, cost_usd?: number): ErrorResult {
  return { status: "error", label: "error", explanation, ...(cost_usd ? { cost_usd } : {}) };
}

function strip(extra: { rating?: number; cost_usd?: number; details?: Record<string, unknown> }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (extra.rating !== undefined) out.rating = extra.rating;
  if (extra.cost_usd) out.cost_usd = extra.cost_usd;
  if (extra.details !== undefined) out.details = extra.details;
  return out;
}

import { z } from "zod";
import type { Embedder } from "../../providers/embeddings/embedder.js";
import type { ChatClient } from "./judge/chat-client.js";
import type { Evaluator, EvaluatorFamily } from "./types.js";

/** What evaluators may need from outside: a judge model behind Keel's gateway, an embedder. */
export interface EvaluatorDeps {
  readonly judge?: ChatClient;
  readonly embedder?: Embedder;
}

/**
 * One evaluator kind: its own options schema (a strict object with `kind`, parsed once when a suite
 * is loaded) and a factory. The registry joins the schemas into one discriminated union.
 */
export interface EvaluatorSpec<S extends z.ZodObject = z.ZodObject> {
  readonly kind: string;
  readonly family: EvaluatorFamily;
  /** One line for `docs/evals.md` and `--help`. */
  readonly summary: string;
  readonly schema: S;
  create(opts: z.output<S>, deps: EvaluatorDeps): Evaluator;
}

export function defineEvaluator<S extends z.ZodObject>(spec: EvaluatorSpec<S>): EvaluatorSpec<S> {
  return spec;
}

/** Options every kind accepts. */
export const commonOptions = {
  /** Metric name in results and gates; defaults to the kind. */
  name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, "letters, digits, _ . - only").optional(),
  /** Per-case pass cut-off on the [0, 1] score. */
  threshold: z.number().min(0).max(1).optional(),
};

export function compiles(pattern: string, flags: string): boolean {
  try {
    new RegExp(pattern, flags);
    return true;
  } catch {
    return false;
  }
}

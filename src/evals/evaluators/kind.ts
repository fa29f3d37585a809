import { z } from "zod";
import type { EvaluatorFamily } from "./types.js";

/**
 * One evaluator kind as configuration sees it: its name, family, one-line summary and options
 * schema (a strict object with a `kind` literal). Schema-only, like every `*-schema.ts` beside it,
 * so that config/ (the drift canary's evaluators) and suites parse options without loading the
 * evaluators' code; the spec (`spec.ts`) adds the factory.
 */
export interface EvaluatorKind<S extends z.ZodObject = z.ZodObject> {
  readonly kind: string;
  readonly family: EvaluatorFamily;
  /** One line for `docs/evals.md` and `--help`. */
  readonly summary: string;
  readonly schema: S;
}

export function defineEvaluatorKind<S extends z.ZodObject>(kind: EvaluatorKind<S>): EvaluatorKind<S> {
  return kind;
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

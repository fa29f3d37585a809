import type { z } from "zod";
import type { Embedder } from "../../providers/embeddings/embedder.js";
import type { ChatClient } from "./judge/chat-client.js";
import type { EvaluatorKind } from "./kind.js";
import type { Evaluator } from "./types.js";

/** What evaluators may need from outside: a judge model behind Keel's gateway, an embedder. */
export interface EvaluatorDeps {
  readonly judge?: ChatClient;
  readonly embedder?: Embedder;
}

/**
 * One evaluator kind with its factory: the kind (`kind.ts`, its options schema parsed once when a
 * suite is loaded) spread in, plus `create`. The registry joins the schemas into one
 * discriminated union (`config-schema.ts`) and the factories by kind (`registry.ts`).
 */
export interface EvaluatorSpec<S extends z.ZodObject = z.ZodObject> extends EvaluatorKind<S> {
  create(opts: z.output<S>, deps: EvaluatorDeps): Evaluator;
}

export function defineEvaluator<S extends z.ZodObject>(spec: EvaluatorSpec<S>): EvaluatorSpec<S> {
  return spec;
}

import { z } from "zod";

/**
 * A dataset item as files and the API carry it (snake_case: it is a document format, exported and
 * imported as is). Provenance is required on every stored item; an imported item without one is
 * human-written.
 */

const toolCall = z.strictObject({ name: z.string().min(1).max(256), arguments: z.unknown().default({}) });

const message = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool"]),
  content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
});

const step = z.strictObject({
  content: z.string().max(100_000).optional(),
  tool_call: toolCall.optional(),
  observation: z.string().max(100_000).optional(),
});

export const provenanceSchema = z.discriminatedUnion("source", [
  z.strictObject({ source: z.literal("human"), author: z.string().min(1).max(128).optional() }),
  /** Built from a production call: the trace it came from. */
  z.strictObject({ source: z.literal("production"), trace_id: z.string().min(1).max(256), author: z.string().min(1).max(128).optional() }),
  /** Generated: which model wrote it (and, optionally, with what prompt). */
  z.strictObject({
    source: z.literal("synthetic"),
    generator_model: z.string().min(1).max(256),
    generator_prompt: z.string().max(20_000).optional(),
    author: z.string().min(1).max(128).optional(),
  }),
]);
export type Provenance = z.output<typeof provenanceSchema>;

export const ITEM_ID = /^[\w.:@-]{1,256}$/;

export const datasetItemSchema = z
  .strictObject({
    /** Stable id; derived from the content when absent, so re-importing the same item is a no-op. */
    id: z.string().regex(ITEM_ID, "1–256 letters, digits, _ . : @ -").optional(),
    /** The input: text (sent as one user message), or a whole conversation. */
    input: z.union([z.string().max(1_000_000), z.array(message).min(1).max(1000)]).optional(),
    /** Template variables for prompt targets (`{{name}}`). */
    variables: z.record(z.string().min(1).max(128), z.unknown()).optional(),
    /** The expected output or reference: text, or any JSON value for JSON evaluators. */
    expected: z.unknown().optional(),
    expected_tool_calls: z.array(toolCall).max(100).optional(),
    /** Retrieved context for RAG, best-ranked first. */
    context: z.array(z.string().max(100_000)).max(1000).optional(),
    /** Ground-truth relevant chunks, for context precision and recall. */
    relevant_context: z.array(z.string().max(100_000)).max(1000).optional(),
    /** An agent trajectory to score step by step. */
    steps: z.array(step).max(1000).optional(),
    tags: z.array(z.string().min(1).max(64)).max(64).default([]),
    split: z.string().min(1).max(32).regex(/^[\w.-]+$/).optional(),
    metadata: z.record(z.string().max(128), z.unknown()).optional(),
    provenance: provenanceSchema.default({ source: "human" }),
  })
  .refine((i) => i.input !== undefined || i.variables !== undefined, { message: "an item needs input or variables", path: ["input"] });

export type DatasetItemInput = z.input<typeof datasetItemSchema>;
/** A stored item: validated, with its id. */
export type DatasetItem = z.output<typeof datasetItemSchema> & { id: string };

import { z } from "zod";

/**
 * Keel's own field on a chat request: `"prompt": {"name", "label" | "version", "variables"}` names
 * a registered prompt to render into the call (docs/prompts.md). Shapes only; the registry
 * checks that the prompt, label and variables exist.
 */
export const promptRefSchema = z
  .strictObject({
    name: z.string().min(1).max(128),
    label: z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9._-]*$/, "a letter, then letters, digits, . _ -").optional(),
    version: z.int().min(1).max(999_999_999).optional(),
    variables: z.record(z.string().max(128), z.unknown()).refine((v) => Object.keys(v).length <= 1000, "at most 1000 variables").optional(),
  })
  .refine((r) => r.label === undefined || r.version === undefined, { message: "give a label or a version, not both", path: ["version"] });

import { z } from "zod";
import { PII_TYPES, type PiiType } from "../pii/entity.js";

export const piiOptions = z.strictObject({
  /** Which PII types to report; all by default. */
  types: z.array(z.enum(PII_TYPES as [PiiType, ...PiiType[]])).min(1).optional(),
  /** Entities scoring below this are ignored. */
  min_score: z.number().min(0).max(1).default(0.6),
  /**
   * The statistical person-name tagger on top of the name rules (decision 0034): more names found,
   * but also more capitalised non-names (dishes, demonyms, headings) in ordinary prompts.
   */
  person_tagger: z.boolean().default(true),
});
export type PiiOptions = z.output<typeof piiOptions>;

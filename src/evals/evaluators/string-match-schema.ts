import { z } from "zod";
import { commonOptions, compiles, defineEvaluatorKind } from "./kind.js";

export const exactKind = defineEvaluatorKind({
  kind: "exact",
  family: "deterministic",
  summary: "1 when the output equals the reference after NFKC, whitespace collapsing and (by default) case folding",
  schema: z.strictObject({
    kind: z.literal("exact"),
    ...commonOptions,
    case_sensitive: z.boolean().default(false),
    /** Compare with this text instead of the item's expected output. */
    value: z.string().optional(),
  }),
});

export const containsKind = defineEvaluatorKind({
  kind: "contains",
  family: "deterministic",
  summary: "mode all: share of `values` (default: the reference) found in the output; mode any: 1 if any is found",
  schema: z.strictObject({
    kind: z.literal("contains"),
    ...commonOptions,
    values: z.array(z.string().min(1)).min(1).max(1000).optional(),
    mode: z.enum(["all", "any"]).default("all"),
    case_sensitive: z.boolean().default(false),
  }),
});

export const regexKind = defineEvaluatorKind({
  kind: "regex",
  family: "deterministic",
  summary: "1 when `pattern` matches the output (`expect: no_match` inverts it)",
  schema: z
    .strictObject({
      kind: z.literal("regex"),
      ...commonOptions,
      pattern: z.string().min(1).max(1000),
      flags: z.string().regex(/^[imsu]*$/, "only i, m, s, u").default(""),
      expect: z.enum(["match", "no_match"]).default("match"),
    })
    .refine((o) => compiles(o.pattern, o.flags), { message: "pattern is not a valid regular expression", path: ["pattern"] }),
});

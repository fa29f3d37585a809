import { z } from "zod";
import { commonOptions, compiles, defineEvaluator } from "./spec.js";
import { expectedText, normalizeText } from "./text.js";
import { notDefined, scored } from "./types.js";

/** exact: normalised output = normalised reference. */
export const exactSpec = defineEvaluator({
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
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "exact", kind: "exact", family: "deterministic", threshold,
      async evaluate(c) {
        const ref = o.value ?? expectedText(c.expected);
        if (ref === undefined) return notDefined("no_reference", "the item has no expected output");
        const n = { caseSensitive: o.case_sensitive };
        const same = normalizeText(c.output, n) === normalizeText(ref, n);
        return scored(same ? 1 : 0, threshold, same ? "output equals the reference" : "output differs from the reference");
      },
    };
  },
});

/** contains: share of the required substrings found in the output. */
export const containsSpec = defineEvaluator({
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
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "contains", kind: "contains", family: "deterministic", threshold,
      async evaluate(c) {
        const ref = expectedText(c.expected);
        const values = o.values ?? (ref ? [ref] : undefined);
        if (!values) return notDefined("no_reference", "no `values` configured and the item has no expected output");
        const n = { caseSensitive: o.case_sensitive };
        const out = normalizeText(c.output, n);
        const found = values.filter((v) => out.includes(normalizeText(v, n)));
        const missing = values.filter((v) => !found.includes(v));
        const score = o.mode === "any" ? (found.length > 0 ? 1 : 0) : found.length / values.length;
        const explanation = missing.length === 0 ? `all ${values.length} found` : `missing: ${missing.slice(0, 5).map((m) => JSON.stringify(m)).join(", ")}`;
        return scored(score, threshold, explanation, { details: { found: found.length, of: values.length } });
      },
    };
  },
});

/** regex: 1 when the pattern matches (or, with expect: no_match, when it does not). */
export const regexSpec = defineEvaluator({
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
  create(o) {
    const threshold = o.threshold ?? 1;
    const re = new RegExp(o.pattern, o.flags);
    return {
      name: o.name ?? "regex", kind: "regex", family: "deterministic", threshold,
      async evaluate(c) {
        const matched = re.test(c.output);
        const ok = o.expect === "match" ? matched : !matched;
        return scored(ok ? 1 : 0, threshold, `${matched ? "matches" : "does not match"} /${o.pattern}/${o.flags}`);
      },
    };
  },
});

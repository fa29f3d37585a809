import { defineEvaluator } from "./spec.js";
import { expectedText, normalizeText } from "./text.js";
import { notDefined, scored } from "./types.js";
import { exactKind, containsKind, regexKind } from "./string-match-schema.js";

/** exact: normalised output = normalised reference. */
export const exactSpec = defineEvaluator({
  ...exactKind,
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
  ...containsKind,
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
  ...regexKind,
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

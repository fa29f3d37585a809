import { validateJson } from "../../json-schema/validate.js";
import { deepEqual } from "./json-equal.js";
import { defineEvaluator } from "./spec.js";
import { notDefined, scored } from "./types.js";
import { jsonSchemaKind, jsonFieldKind } from "./json-checks-schema.js";

/** Parses an answer as JSON, tolerating one surrounding ```json fence, as models often add one. */
export function parseJsonOutput(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const t = text.trim().replace(/^```(?:json)?\s*\n([\s\S]*?)\n?```$/i, "$1").trim();
  if (t.length === 0) return { ok: false, error: "the output is empty" };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch (err) {
    return { ok: false, error: `the output is not JSON: ${(err as Error).message}` };
  }
}

export const jsonSchemaSpec = defineEvaluator({
  ...jsonSchemaKind,
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "json_schema", kind: "json_schema", family: "deterministic", threshold,
      async evaluate(c) {
        const parsed = parseJsonOutput(c.output);
        if (!parsed.ok) return scored(0, threshold, parsed.error, { label: "not_json" });
        // The guard's validator: one JSON Schema implementation for guardrails and evals.
        const errors = validateJson(parsed.value, o.schema);
        if (errors.length === 0) return scored(1, threshold, "valid against the schema");
        const first = errors.slice(0, 3).map((e) => `${e.path} ${e.message}`).join("; ");
        return scored(0, threshold, `${errors.length} schema error${errors.length > 1 ? "s" : ""}: ${first}`, { label: "invalid", details: { errors } });
      },
    };
  },
});

/** `a.b[0].c` → ["a", "b", 0, "c"]. */
export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

export function getPath(value: unknown, path: readonly (string | number)[]): { found: boolean; value?: unknown } {
  let node = value;
  for (const p of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node as object, p)) return { found: false };
    node = (node as Record<string | number, unknown>)[p];
  }
  return { found: true, value: node };
}

export const jsonFieldSpec = defineEvaluator({
  ...jsonFieldKind,
  create(o) {
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "json_field", kind: "json_field", family: "deterministic", threshold,
      async evaluate(c) {
        let wanted: [string, unknown][];
        if (o.fields) wanted = Object.entries(o.fields);
        else {
          const ref = typeof c.expected === "string" ? parseJsonOutput(c.expected) : { ok: c.expected !== undefined, value: c.expected };
          if (!ref.ok || ref.value === undefined || ref.value === null) return notDefined("no_reference", "the item has no expected JSON");
          wanted = [];
          for (const p of o.paths!) {
            const got = getPath(ref.value, parsePath(p));
            if (!got.found) return notDefined("no_reference", `the expected JSON has no field ${p}`);
            wanted.push([p, got.value]);
          }
        }
        const parsed = parseJsonOutput(c.output);
        if (!parsed.ok) return scored(0, threshold, parsed.error, { label: "not_json" });
        const wrong = wanted.filter(([p, v]) => {
          const got = getPath(parsed.value, parsePath(p));
          return !got.found || !deepEqual(got.value, v);
        });
        const score = (wanted.length - wrong.length) / wanted.length;
        const explanation = wrong.length === 0 ? `all ${wanted.length} fields equal` : `differs at ${wrong.map(([p]) => p).slice(0, 5).join(", ")}`;
        return scored(score, threshold, explanation, { details: { equal: wanted.length - wrong.length, of: wanted.length } });
      },
    };
  },
});

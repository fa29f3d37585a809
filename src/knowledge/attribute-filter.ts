import { z } from "zod";
import type { Attributes } from "./types.js";

/** OpenAI's search filters: a comparison on one attribute, or and/or over filters. */
export type AttributeFilter =
  | { type: "eq" | "ne" | "gt" | "gte" | "lt" | "lte"; key: string; value: string | number | boolean }
  | { type: "and" | "or"; filters: AttributeFilter[] };

const comparison = z.strictObject({
  type: z.enum(["eq", "ne", "gt", "gte", "lt", "lte"]),
  key: z.string().min(1).max(64),
  value: z.union([z.string().max(512), z.number(), z.boolean()]),
});

/** Bounded: at most 4 levels of and/or (the schema is recursive through z.lazy). */
export const attributeFilterSchema: z.ZodType<AttributeFilter> = z.lazy(() =>
  z.union([comparison, z.strictObject({ type: z.enum(["and", "or"]), filters: z.array(attributeFilterSchema).min(1).max(20) })]),
);

export function filterDepth(f: AttributeFilter): number {
  return "filters" in f ? 1 + Math.max(...f.filters.map(filterDepth)) : 1;
}

/** Whether attributes pass the filter; an ordering comparison on a missing or differently typed value is false. */
export function matchesFilter(attrs: Attributes, f: AttributeFilter): boolean {
  if (f.type === "and") return f.filters.every((g) => matchesFilter(attrs, g));
  if (f.type === "or") return f.filters.some((g) => matchesFilter(attrs, g));
  if ("filters" in f) return false;
  const v = attrs[f.key];
  if (f.type === "eq") return v === f.value;
  if (f.type === "ne") return v !== f.value;
  if (v === undefined || typeof v !== typeof f.value || typeof v === "boolean") return false;
  if (f.type === "gt") return v > f.value;
  if (f.type === "gte") return v >= f.value;
  if (f.type === "lt") return v < f.value;
  return v <= f.value;
}

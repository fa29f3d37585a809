import { KeelError } from "../errors/errors.js";
import type { Dimension, LabelInput, Rubric, Scale } from "./queue-schema.js";

/**
 * Checks a label against the rubric: every dimension given, no other, each value on its scale;
 * a refusal names the dimension and the allowed values. Returns the values as stored.
 */
export function checkLabel(rubric: Rubric, l: LabelInput): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const key of Object.keys(l.values)) {
    if (!rubric.dimensions.some((d) => d.name === key)) {
      throw new KeelError("invalid_request", `Unknown rubric dimension '${key.slice(0, 64)}'; the rubric has: ${rubric.dimensions.map((d) => d.name).join(", ")}.`, { param: `values.${key.slice(0, 64)}` });
    }
  }
  for (const d of rubric.dimensions) {
    const v = l.values[d.name];
    if (v === undefined) throw new KeelError("invalid_request", `Missing a value for rubric dimension '${d.name}' (allowed: ${allowed(d.scale)}).`, { param: `values.${d.name}` });
    if (!onScale(d.scale, v)) throw new KeelError("invalid_request", `Value ${JSON.stringify(v).slice(0, 80)} is outside the scale of '${d.name}'; allowed: ${allowed(d.scale)}.`, { param: `values.${d.name}` });
    out[d.name] = v;
  }
  if (rubric.critique === "required" && !l.critique?.trim()) throw new KeelError("invalid_request", "This rubric requires a critique: add a non-empty 'critique'.", { param: "critique" });
  return out;
}

function onScale(s: Scale, v: string | number): boolean {
  if (s.kind === "nominal") return typeof v === "string" && s.labels.includes(v);
  return typeof v === "number" && Number.isInteger(v) && v >= s.min && v <= s.max;
}

export function allowed(s: Scale): string {
  return s.kind === "nominal" ? s.labels.map((x) => JSON.stringify(x)).join(", ") : `integers ${s.min}..${s.max}`;
}

/** A value as a number for the statistics: a nominal label's index on its scale, a range value itself. */
export function numeric(s: Scale, v: string | number): number {
  return s.kind === "nominal" ? s.labels.indexOf(String(v)) : Number(v);
}

/** Whether a (consensus) value passes the dimension: its pass labels, or at least its pass value. */
export function passes(d: Dimension, v: number): boolean {
  const s = d.scale;
  if (s.kind === "nominal") {
    const ok = Array.isArray(d.pass) ? d.pass : [s.labels[0]];
    return ok.includes(s.labels[Math.round(v)]);
  }
  const threshold = typeof d.pass === "number" ? d.pass : (s.min + s.max) / 2;
  return v >= threshold;
}

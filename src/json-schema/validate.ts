/**
 * A small JSON Schema validator for what tool parameters and structured outputs use: type, enum,
 * const, properties/required/additionalProperties, items/prefixItems, min/max items, lengths,
 * pattern, a few formats, numeric bounds (draft-4 and 2019+ exclusive forms), multipleOf,
 * anyOf/oneOf/allOf/not and local $ref. Unknown keywords are ignored, as the spec says.
 * Bounded: depth 64 and 100 errors, so a hostile schema or value cannot run away.
 */
import { linearPattern } from "./linear-pattern.js";

export type JsonSchema = Record<string, unknown>;

export interface SchemaError {
  path: string;
  message: string;
}

const MAX_DEPTH = 64;
const MAX_ERRORS = 100;

export function validateJson(value: unknown, schema: JsonSchema): SchemaError[] {
  const errors: SchemaError[] = [];
  check(value, schema, schema, "$", 0, errors);
  return errors;
}

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(v: unknown, t: string): boolean {
  const actual = typeOf(v);
  return actual === t || (t === "number" && actual === "integer");
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#")) return undefined;
  let cur: unknown = root;
  for (const part of ref.slice(1).split("/").filter(Boolean)) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return cur && typeof cur === "object" ? (cur as JsonSchema) : undefined;
}

const FORMATS: Record<string, RegExp> = {
  email: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  uri: /^[a-z][a-z0-9+.-]*:[^\s]*$/i,
  "date-time": /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

function check(v: unknown, s: unknown, root: JsonSchema, path: string, depth: number, errors: SchemaError[]): void {
  if (errors.length >= MAX_ERRORS) return;
  if (s === true || s === undefined) return;
  if (s === false) return void errors.push({ path, message: "no value is allowed here" });
  if (s === null || typeof s !== "object") return;
  if (depth > MAX_DEPTH) return void errors.push({ path, message: "too deep" });
  const sc = s as JsonSchema;
  const err = (message: string): void => void errors.push({ path, message });

  if (typeof sc.$ref === "string") {
    const target = resolveRef(root, sc.$ref);
    if (!target) return err(`unresolvable $ref ${sc.$ref}`);
    check(v, target, root, path, depth + 1, errors);
  }
  if (sc.type !== undefined) {
    const types = Array.isArray(sc.type) ? (sc.type as string[]) : [sc.type as string];
    if (!types.some((t) => typeMatches(v, t))) return err(`expected ${types.join(" or ")}, got ${typeOf(v)}`);
  }
  if (Array.isArray(sc.enum) && !sc.enum.some((e) => deepEqual(e, v))) err("not one of the allowed values");
  if ("const" in sc && !deepEqual(sc.const, v)) err("not the required constant");

  if (typeof v === "string") {
    const len = [...v].length;
    if (typeof sc.minLength === "number" && len < sc.minLength) err(`shorter than ${sc.minLength}`);
    if (typeof sc.maxLength === "number" && len > sc.maxLength) err(`longer than ${sc.maxLength}`);
    if (typeof sc.pattern === "string") {
      // The client wrote this pattern: it runs on the linear-time engine or not at all (a pattern
      // that needs backtracking is not enforced, rather than risk a ReDoS on our cores).
      const re = linearPattern(sc.pattern);
      if (re && !re.test(v)) err("does not match the pattern");
    }
    if (typeof sc.format === "string" && FORMATS[sc.format] && !FORMATS[sc.format].test(v)) err(`not a valid ${sc.format}`);
  }
  if (typeof v === "number") {
    if (typeof sc.minimum === "number" && (sc.exclusiveMinimum === true ? v <= sc.minimum : v < sc.minimum)) err(`below the minimum ${sc.minimum}`);
    if (typeof sc.maximum === "number" && (sc.exclusiveMaximum === true ? v >= sc.maximum : v > sc.maximum)) err(`above the maximum ${sc.maximum}`);
    if (typeof sc.exclusiveMinimum === "number" && v <= sc.exclusiveMinimum) err(`not above ${sc.exclusiveMinimum}`);
    if (typeof sc.exclusiveMaximum === "number" && v >= sc.exclusiveMaximum) err(`not below ${sc.exclusiveMaximum}`);
    if (typeof sc.multipleOf === "number" && sc.multipleOf > 0 && Math.abs(v / sc.multipleOf - Math.round(v / sc.multipleOf)) > 1e-9) err(`not a multiple of ${sc.multipleOf}`);
  }
  if (Array.isArray(v)) {
    if (typeof sc.minItems === "number" && v.length < sc.minItems) err(`fewer than ${sc.minItems} items`);
    if (typeof sc.maxItems === "number" && v.length > sc.maxItems) err(`more than ${sc.maxItems} items`);
    const prefix = Array.isArray(sc.prefixItems) ? sc.prefixItems : [];
    v.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : Array.isArray(sc.items) ? sc.items[i] : sc.items;
      check(item, itemSchema, root, `${path}[${i}]`, depth + 1, errors);
    });
  }
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const obj = v as Record<string, unknown>;
    const props = (sc.properties ?? {}) as Record<string, unknown>;
    if (Array.isArray(sc.required)) for (const k of sc.required as string[]) if (!(k in obj)) errors.push({ path: `${path}.${k}`, message: "required" });
    for (const [k, val] of Object.entries(obj)) {
      if (k in props) check(val, props[k], root, `${path}.${k}`, depth + 1, errors);
      else if (sc.additionalProperties === false) errors.push({ path: `${path}.${k}`, message: "not allowed" });
      else if (sc.additionalProperties && typeof sc.additionalProperties === "object") check(val, sc.additionalProperties, root, `${path}.${k}`, depth + 1, errors);
    }
  }
  const branches = (k: string): unknown[] => (Array.isArray(sc[k]) ? (sc[k] as unknown[]) : []);
  for (const sub of branches("allOf")) check(v, sub, root, path, depth + 1, errors);
  if (branches("anyOf").length > 0 && !branches("anyOf").some((sub) => validSub(v, sub, root, path, depth))) err("matches none of anyOf");
  if (branches("oneOf").length > 0 && branches("oneOf").filter((sub) => validSub(v, sub, root, path, depth)).length !== 1) err("must match exactly one of oneOf");
  if (sc.not !== undefined && validSub(v, sc.not, root, path, depth)) err("matches a forbidden schema");
}

function validSub(v: unknown, s: unknown, root: JsonSchema, path: string, depth: number): boolean {
  const e: SchemaError[] = [];
  check(v, s, root, path, depth + 1, e);
  return e.length === 0;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

import type { Rng } from "../../random/rng.js";
import { wordPhrase } from "./word-text.js";

/**
 * A JSON value that validates against a JSON Schema, chosen deterministically by `rng`: what the
 * simulator answers for `response_format: json_schema` and for tool-call arguments.
 *
 * Covers what OpenAI structured outputs and tool parameters use: type (or a list of types), enum,
 * const, object (properties, required, additionalProperties, minProperties), array (items,
 * prefixItems, minItems, maxItems, uniqueItems), string (minLength, maxLength, common formats),
 * number and integer (minimum, maximum, exclusive bounds, multipleOf), boolean, null, anyOf,
 * oneOf, allOf and local $ref ($defs, definitions). `pattern` is not honoured: generating a string
 * for an arbitrary regular expression is out of scope.
 */

type Schema = { [k: string]: unknown };

/** Beyond this depth only required properties and minimum item counts are produced, so recursive schemas end. */
const SHALLOW_DEPTH = 4;
/** A schema that still recurses here cannot be satisfied finitely; null ends it. */
const MAX_DEPTH = 32;

interface Gen {
  readonly root: unknown;
  readonly rng: Rng;
}

export function jsonFromSchema(schema: unknown, rng: Rng): unknown {
  return gen(schema ?? true, { root: schema, rng }, 0);
}

/** What `response_format: json_object` gets: a small object of stable shape. */
export function genericJsonObject(rng: Rng): { answer: string; confidence: number; tags: string[] } {
  return { answer: wordPhrase(rng, rng.range(3, 12)), confidence: Math.round(rng.next() * 100) / 100, tags: [wordPhrase(rng, 1), wordPhrase(rng, 1)] };
}

function isSchema(v: unknown): v is Schema {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function gen(s: unknown, g: Gen, depth: number): unknown {
  if (depth > MAX_DEPTH || s === false) return null;
  if (!isSchema(s)) return wordPhrase(g.rng, 2); // `true`, or garbage: anything validates
  if (typeof s.$ref === "string") {
    const { $ref, ...rest } = s;
    return gen({ ...asSchema(resolveRef(g.root, $ref)), ...rest }, g, depth + 1);
  }
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return g.rng.pick(s.enum);
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    return gen((allOf as unknown[]).reduce<Schema>((acc, sub) => mergeSchemas(acc, asSchema(sub)), rest), g, depth);
  }
  const branches = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : null;
  if (branches && branches.length > 0) {
    const { anyOf: _a, oneOf: _o, ...rest } = s;
    // deep in a recursive schema, prefer a branch that cannot recurse
    const branch = depth >= SHALLOW_DEPTH ? (branches.find(isLeaf) ?? branches[0]) : g.rng.pick(branches);
    return gen(mergeSchemas(rest, asSchema(branch)), g, depth + 1);
  }
  switch (typeOf(s, g.rng, depth)) {
    case "object":
      return genObject(s, g, depth);
    case "array":
      return genArray(s, g, depth);
    case "integer":
      return genNumber(s, g.rng, true);
    case "number":
      return genNumber(s, g.rng, false);
    case "boolean":
      return g.rng.next() < 0.5;
    case "null":
      return null;
    default:
      return genString(s, g.rng);
  }
}

function asSchema(v: unknown): Schema {
  if (isSchema(v)) return v;
  return v === false ? { not: {} } : {};
}

/** Local JSON pointers only (`#`, `#/$defs/X`, `#/definitions/X`); anything else resolves to "any". */
function resolveRef(root: unknown, ref: string): unknown {
  if (!ref.startsWith("#")) return {};
  let node = root;
  for (const raw of ref.slice(1).split("/")) {
    if (raw === "") continue;
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (!isSchema(node) && !Array.isArray(node)) return {};
    node = (node as Record<string, unknown>)[key];
  }
  return node ?? {};
}

/** allOf and branch siblings: later keywords win, except properties (merged) and required (united). */
function mergeSchemas(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a, ...b };
  if (isSchema(a.properties) && isSchema(b.properties)) out.properties = { ...a.properties, ...b.properties };
  if (Array.isArray(a.required) && Array.isArray(b.required)) out.required = [...new Set([...a.required, ...b.required])];
  return out;
}

function isLeaf(branch: unknown): boolean {
  if (!isSchema(branch)) return true;
  if (branch.$ref !== undefined || branch.properties !== undefined || branch.items !== undefined) return false;
  const t = branch.type;
  return t === undefined || (typeof t === "string" && t !== "object" && t !== "array");
}

type JsonType = "object" | "array" | "string" | "integer" | "number" | "boolean" | "null";

function typeOf(s: Schema, rng: Rng, depth: number): JsonType {
  const t = s.type;
  if (typeof t === "string") return t as JsonType;
  if (Array.isArray(t) && t.length > 0) {
    if (depth >= SHALLOW_DEPTH && t.includes("null")) return "null";
    const useful = t.filter((x) => x !== "null");
    return (useful.length > 0 ? rng.pick(useful) : "null") as JsonType;
  }
  if (s.properties !== undefined || s.required !== undefined || s.additionalProperties !== undefined) return "object";
  if (s.items !== undefined || s.prefixItems !== undefined || s.minItems !== undefined) return "array";
  if (s.minimum !== undefined || s.maximum !== undefined || s.multipleOf !== undefined) return "number";
  return "string";
}

function setKey(out: Record<string, unknown>, key: string, value: unknown): void {
  // a schema may name a property "__proto__": define it rather than assign, or it would set the prototype
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
}

function genObject(s: Schema, g: Gen, depth: number): Record<string, unknown> {
  const props = isSchema(s.properties) ? s.properties : {};
  const required = Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === "string") : [];
  const extra = s.additionalProperties === undefined ? true : s.additionalProperties;
  const out: Record<string, unknown> = {};
  const shallow = depth < SHALLOW_DEPTH;
  for (const key of Object.keys(props)) {
    if (shallow || required.includes(key)) setKey(out, key, gen(props[key], g, depth + 1));
  }
  for (const key of required) if (!Object.hasOwn(out, key)) setKey(out, key, gen(extra, g, depth + 1));
  const minProps = typeof s.minProperties === "number" ? s.minProperties : 0;
  for (let i = 0; extra !== false && Object.keys(out).length < minProps; i++) setKey(out, `field_${i}`, gen(extra, g, depth + 1));
  return out;
}

function genArray(s: Schema, g: Gen, depth: number): unknown[] {
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
  const items = Array.isArray(s.items) ? (s.additionalItems ?? true) : (s.items ?? true);
  const min = typeof s.minItems === "number" ? s.minItems : 0;
  const max = typeof s.maxItems === "number" ? s.maxItems : Math.max(min, 3) + prefix.length;
  const want = depth < SHALLOW_DEPTH ? Math.max(min, g.rng.range(1, 3)) : min;
  const count = Math.min(Math.max(want, Math.min(prefix.length, max)), max);
  const out: unknown[] = [];
  const seen = s.uniqueItems === true ? new Set<string>() : null;
  // uniqueItems is best effort: a few draws per slot, enough unless the item schema has fewer values than minItems
  for (let tries = 0; out.length < count && tries < count * 8 + 8; tries++) {
    const i = out.length;
    const v = gen(i < prefix.length ? prefix[i] : items, g, depth + 1);
    if (seen) {
      const key = JSON.stringify(v);
      if (seen.has(key)) continue;
      seen.add(key);
    }
    out.push(v);
  }
  return out;
}

function genString(s: Schema, rng: Rng): string {
  let v: string;
  switch (s.format) {
    case "date-time":
      v = isoDate(rng) + "T" + isoTime(rng) + "Z";
      break;
    case "date":
      v = isoDate(rng);
      break;
    case "time":
      v = isoTime(rng) + "Z";
      break;
    case "email":
      v = `${wordPhrase(rng, 1)}@example.com`;
      break;
    case "uri":
    case "url":
      v = `https://example.com/${wordPhrase(rng, 1)}`;
      break;
    case "hostname":
      v = `${wordPhrase(rng, 1)}.example.com`;
      break;
    case "ipv4":
      v = `10.${rng.int(256)}.${rng.int(256)}.${rng.range(1, 254)}`;
      break;
    case "uuid":
      v = uuid(rng);
      break;
    default:
      v = wordPhrase(rng, rng.range(1, 4));
  }
  const min = typeof s.minLength === "number" ? s.minLength : 0;
  const max = typeof s.maxLength === "number" ? s.maxLength : Infinity;
  while (v.length < min) v += " " + wordPhrase(rng, 1);
  return v.length > max ? v.slice(0, max).trimEnd().padEnd(Math.min(max, Math.max(min, 1)), "x") : v;
}

function isoDate(rng: Rng): string {
  return `20${rng.range(20, 29)}-${pad(rng.range(1, 12))}-${pad(rng.range(1, 28))}`;
}

function isoTime(rng: Rng): string {
  return `${pad(rng.int(24))}:${pad(rng.int(60))}:${pad(rng.int(60))}`;
}

function pad(n: number): string {
  return n < 10 ? "0" + n : String(n);
}

function uuid(rng: Rng): string {
  let hex = "";
  for (let i = 0; i < 32; i++) hex += (i === 12 ? 4 : i === 16 ? 8 + rng.int(4) : rng.int(16)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function genNumber(s: Schema, rng: Rng, integer: boolean): number {
  let lo = typeof s.minimum === "number" ? s.minimum : undefined;
  let hi = typeof s.maximum === "number" ? s.maximum : undefined;
  // draft 2019+ gives the bound as a number; draft 4 as a boolean beside minimum/maximum
  let loOpen = s.exclusiveMinimum === true;
  let hiOpen = s.exclusiveMaximum === true;
  if (typeof s.exclusiveMinimum === "number" && (lo === undefined || s.exclusiveMinimum >= lo)) [lo, loOpen] = [s.exclusiveMinimum, true];
  if (typeof s.exclusiveMaximum === "number" && (hi === undefined || s.exclusiveMaximum <= hi)) [hi, hiOpen] = [s.exclusiveMaximum, true];
  if (lo === undefined && hi === undefined) [lo, hi] = [0, 100];
  else if (lo === undefined) lo = hi! - 100;
  else if (hi === undefined) hi = lo + 100;
  const a = lo!;
  const b = hi!;
  const step = typeof s.multipleOf === "number" && s.multipleOf > 0 ? s.multipleOf : integer ? 1 : 0;
  if (step > 0) {
    const kLo = loOpen ? Math.floor(a / step) + 1 : Math.ceil(a / step);
    const kHi = hiOpen ? Math.ceil(b / step) - 1 : Math.floor(b / step);
    if (kHi < kLo) return step * kLo;
    const decimals = (String(step).split(".")[1] ?? "").length;
    if (decimals === 0) return step * rng.range(kLo, kHi);
    // validators check v / multipleOf with floats (ajv by default): 0.7 / 0.1 is 6.999…, so
    // round away step * k's error and take a k whose quotient comes out whole
    const span = kHi - kLo + 1;
    const start = rng.int(span);
    let first = NaN;
    for (let t = 0; t < Math.min(span, 16); t++) {
      const v = Number((step * (kLo + ((start + t) % span))).toFixed(decimals));
      if (Number.isInteger(v / step)) return v;
      if (t === 0) first = v;
    }
    return first;
  }
  const v = Math.round((a + rng.next() * (b - a)) * 100) / 100;
  const inside = (x: number): boolean => (loOpen ? x > a : x >= a) && (hiOpen ? x < b : x <= b);
  return inside(v) ? v : (a + b) / 2;
}

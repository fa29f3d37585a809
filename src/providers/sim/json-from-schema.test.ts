import { test } from "node:test";
import assert from "node:assert/strict";
import { genericJsonObject, jsonFromSchema } from "./json-from-schema.js";
import { Rng } from "../../random/rng.js";

type S = { [k: string]: unknown };

/** A small JSON Schema checker for the keywords the generator claims; returns the first violation. */
function check(v: unknown, s: unknown, root: unknown, at = "$"): string | null {
  if (s === true || s === undefined) return null;
  if (s === false) return `${at}: false schema`;
  const sc = s as S;
  if (typeof sc.$ref === "string") {
    const target = sc.$ref
      .slice(2)
      .split("/")
      .reduce<unknown>((n, k) => (n as S)[k], root);
    const { $ref: _r, ...rest } = sc;
    return check(v, target, root, at) ?? check(v, rest, root, at);
  }
  if ("const" in sc && JSON.stringify(v) !== JSON.stringify(sc.const)) return `${at}: not const`;
  if (Array.isArray(sc.enum) && !sc.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) return `${at}: not in enum`;
  if (Array.isArray(sc.anyOf) && !sc.anyOf.some((b) => check(v, b, root, at) === null)) return `${at}: no anyOf branch`;
  if (Array.isArray(sc.oneOf) && sc.oneOf.filter((b) => check(v, b, root, at) === null).length !== 1) return `${at}: not exactly one oneOf branch`;
  if (Array.isArray(sc.allOf)) for (const b of sc.allOf) { const e = check(v, b, root, at); if (e) return e; }
  if (sc.type !== undefined) {
    const types = Array.isArray(sc.type) ? sc.type : [sc.type];
    const actual = v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
    const ok = types.some((t) => t === actual || (t === "integer" && Number.isInteger(v)) || (t === "number" && typeof v === "number"));
    if (!ok) return `${at}: ${actual} is not ${types.join("|")}`;
  }
  if (typeof v === "string") {
    if (typeof sc.minLength === "number" && v.length < sc.minLength) return `${at}: too short`;
    if (typeof sc.maxLength === "number" && v.length > sc.maxLength) return `${at}: too long`;
    if (sc.format === "date-time" && Number.isNaN(Date.parse(v))) return `${at}: bad date-time`;
    if (sc.format === "email" && !/^[^@\s]+@[^@\s]+$/.test(v)) return `${at}: bad email`;
    if (sc.format === "uuid" && !/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(v)) return `${at}: bad uuid`;
  }
  if (typeof v === "number") {
    if (typeof sc.minimum === "number" && v < sc.minimum) return `${at}: < minimum`;
    if (typeof sc.maximum === "number" && v > sc.maximum) return `${at}: > maximum`;
    if (typeof sc.exclusiveMinimum === "number" && v <= sc.exclusiveMinimum) return `${at}: <= exclusiveMinimum`;
    if (typeof sc.exclusiveMaximum === "number" && v >= sc.exclusiveMaximum) return `${at}: >= exclusiveMaximum`;
    if (typeof sc.multipleOf === "number" && !Number.isInteger(v / sc.multipleOf)) return `${at}: not a multiple`;
  }
  if (Array.isArray(v)) {
    if (typeof sc.minItems === "number" && v.length < sc.minItems) return `${at}: too few items`;
    if (typeof sc.maxItems === "number" && v.length > sc.maxItems) return `${at}: too many items`;
    if (sc.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) return `${at}: items not unique`;
    for (let i = 0; i < v.length; i++) { const e = check(v[i], sc.items, root, `${at}[${i}]`); if (e) return e; }
  }
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const o = v as S;
    const props = (sc.properties ?? {}) as S;
    for (const r of (sc.required ?? []) as string[]) if (!Object.hasOwn(o, r)) return `${at}: missing ${r}`;
    for (const k of Object.keys(o)) {
      if (Object.hasOwn(props, k)) { const e = check(o[k], props[k], root, `${at}.${k}`); if (e) return e; }
      else if (sc.additionalProperties === false) return `${at}: extra property ${k}`;
      else { const e = check(o[k], sc.additionalProperties, root, `${at}.${k}`); if (e) return e; }
    }
  }
  return null;
}

function assertValid(schema: unknown, seeds = 50): void {
  for (let seed = 0; seed < seeds; seed++) {
    const v = JSON.parse(JSON.stringify(jsonFromSchema(schema, new Rng(seed))));
    const err = check(v, schema, schema);
    assert.equal(err, null, `seed ${seed}: ${err} in ${JSON.stringify(v)}`);
  }
}

test("nested objects with required, optional and additionalProperties false", () => {
  assertValid({
    type: "object",
    additionalProperties: false,
    required: ["name", "age", "address", "tags"],
    properties: {
      name: { type: "string", minLength: 3, maxLength: 12 },
      age: { type: "integer", minimum: 18, maximum: 99 },
      score: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 },
      active: { type: "boolean" },
      nothing: { type: "null" },
      address: {
        type: "object",
        additionalProperties: false,
        required: ["city", "zip"],
        properties: { city: { type: "string" }, zip: { type: "string", minLength: 5, maxLength: 5 } },
      },
      tags: { type: "array", items: { type: "string", enum: ["a", "b", "c"] }, minItems: 2, maxItems: 3, uniqueItems: true },
    },
  });
});

test("enum, const, anyOf, oneOf, allOf, type lists and formats", () => {
  assertValid({
    type: "object",
    required: ["kind", "version", "value", "either", "merged", "when", "who", "id", "step", "maybe"],
    properties: {
      kind: { enum: ["x", 2, null, true] },
      version: { const: "v1" },
      value: { anyOf: [{ type: "string" }, { type: "integer", minimum: 5, maximum: 6 }] },
      either: { oneOf: [{ type: "boolean" }, { type: "array", items: { type: "number" } }] },
      merged: { allOf: [{ type: "object", properties: { a: { type: "integer" } }, required: ["a"] }, { properties: { b: { type: "string" } }, required: ["b"] }] },
      when: { type: "string", format: "date-time" },
      who: { type: "string", format: "email" },
      id: { type: "string", format: "uuid" },
      step: { type: "number", minimum: 0, maximum: 1, multipleOf: 0.1 },
      maybe: { type: ["string", "null"] },
    },
  });
});

test("local $ref into $defs, including a recursive tree, terminates and validates", () => {
  assertValid({
    $defs: {
      node: {
        type: "object",
        additionalProperties: false,
        required: ["label", "children"],
        properties: { label: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/node" } } },
      },
    },
    $ref: "#/$defs/node",
  });
  assertValid({
    definitions: { list: { anyOf: [{ type: "null" }, { type: "object", required: ["next"], properties: { next: { $ref: "#/definitions/list" } } }] } },
    $ref: "#/definitions/list",
  });
});

test("arrays of objects with minItems, top-level scalars and the empty schema", () => {
  assertValid({ type: "array", minItems: 4, items: { type: "object", required: ["x"], properties: { x: { type: "integer", exclusiveMinimum: 10 } } } });
  assertValid({ type: "integer", minimum: -3, maximum: -1 });
  assertValid({ type: "string", maxLength: 2 });
  assertValid({});
  assertValid(true);
});

test("a property named __proto__ becomes an own property, not the prototype", () => {
  const v = jsonFromSchema({ type: "object", required: ["__proto__"], properties: { __proto__: { type: "integer" } } }, new Rng(1)) as object;
  assert.ok(Object.hasOwn(v, "__proto__"));
  assert.equal(Object.getPrototypeOf(v), Object.prototype);
});

test("the same RNG seed gives the same value; different seeds vary", () => {
  const schema = { type: "object", properties: { a: { type: "string" }, b: { type: "number" } } };
  assert.deepEqual(jsonFromSchema(schema, new Rng(3)), jsonFromSchema(schema, new Rng(3)));
  const seen = new Set<string>();
  for (let i = 0; i < 10; i++) seen.add(JSON.stringify(jsonFromSchema(schema, new Rng(i))));
  assert.ok(seen.size > 5);
  const g = genericJsonObject(new Rng(1));
  assert.equal(typeof g.answer, "string");
  assert.ok(g.confidence >= 0 && g.confidence <= 1);
});

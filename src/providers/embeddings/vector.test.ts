import { test } from "node:test";
import assert from "node:assert/strict";
import { base64ToFloat32, cosineSimilarity, dot, float32ToBase64, normalizeL2, truncateNormalized } from "./vector.js";

const norm = (v: Float32Array): number => Math.sqrt(dot(v, v));

test("normalizeL2 scales in place to unit length and leaves a zero vector alone", () => {
  const v = Float32Array.from([3, 4]);
  assert.equal(normalizeL2(v), v);
  assert.deepEqual([...v], [Math.fround(0.6), Math.fround(0.8)]);
  assert.deepEqual([...normalizeL2(new Float32Array(3))], [0, 0, 0]);
});

test("truncateNormalized keeps the prefix, re-normalises, and copies", () => {
  const v = normalizeL2(Float32Array.from([1, 2, 3, 4]));
  const t = truncateNormalized(v, 2);
  assert.equal(t.length, 2);
  assert.ok(Math.abs(norm(t) - 1) < 1e-6);
  assert.ok(Math.abs(t[1] / t[0] - 2) < 1e-6, "direction of the prefix is kept");
  assert.notEqual(truncateNormalized(v, 4), v);
  for (const bad of [0, 5, 1.5, Number.NaN]) assert.throws(() => truncateNormalized(v, bad), RangeError);
});

test("cosineSimilarity", () => {
  const a = Float32Array.from([1, 0]);
  assert.equal(cosineSimilarity(a, Float32Array.from([2, 0])), 1);
  assert.equal(cosineSimilarity(a, Float32Array.from([0, 3])), 0);
  assert.equal(cosineSimilarity(a, new Float32Array(2)), 0);
  assert.throws(() => dot(a, new Float32Array(3)), RangeError);
});

test("base64 is little-endian float32, the bytes OpenAI's SDKs decode", () => {
  const v = Float32Array.from([1, -2.5, 0.1, Number.MIN_VALUE]);
  const b64 = float32ToBase64(v);
  const bytes = Buffer.from(b64, "base64");
  assert.equal(bytes.length, 16);
  assert.equal(bytes.readFloatLE(0), 1);
  assert.equal(bytes.readFloatLE(4), -2.5);
  // Byte-for-byte what the openai SDK computes on a little-endian host.
  assert.equal(b64, Buffer.from(v.buffer).toString("base64"));
  assert.deepEqual(base64ToFloat32(b64), v);
  assert.throws(() => base64ToFloat32("AAA="), RangeError);
});

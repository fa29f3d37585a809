/**
 * Vector arithmetic and OpenAI's base64 embedding encoding. Pure functions over Float32Array,
 * shared by the provider and by consumers of `Embedder` (semantic cache, retrieval).
 */

/** Scales `v` in place to unit L2 norm and returns it. A zero vector stays zero. */
export function normalizeL2(v: Float32Array): Float32Array {
  // Accumulate in float64: summing 512 float32 squares in float32 drifts in the 7th digit.
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (sum === 0) return v;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/**
 * OpenAI's `dimensions` parameter: keep the first `dims` components and re-normalise, as
 * text-embedding-3 does (Matryoshka-style shortening). Always returns a new array.
 */
export function truncateNormalized(v: Float32Array, dims: number): Float32Array {
  if (!Number.isInteger(dims) || dims < 1 || dims > v.length) {
    throw new RangeError(`dims must be an integer in 1..${v.length}, got ${dims}`);
  }
  return normalizeL2(v.slice(0, dims));
}

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new RangeError(`vector lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine similarity; for the unit vectors an `Embedder` returns this equals `dot`. */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  const d = dot(a, b);
  const n = Math.sqrt(dot(a, a) * dot(b, b));
  return n === 0 ? 0 : d / n;
}

/**
 * OpenAI's `encoding_format: "base64"`: the float32 values as little-endian bytes, base64-encoded
 * (the official SDKs decode it with `Float32Array` over the bytes). A DataView pins the byte order
 * so the output is right on big-endian hosts too.
 */
export function float32ToBase64(v: Float32Array): string {
  const buf = Buffer.allocUnsafe(v.length * 4);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < v.length; i++) view.setFloat32(i * 4, v[i], true);
  return buf.toString("base64");
}

export function base64ToFloat32(b64: string): Float32Array {
  const buf = Buffer.from(b64, "base64");
  if (buf.byteLength % 4 !== 0) throw new RangeError(`base64 embedding is ${buf.byteLength} bytes, not a multiple of 4`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float32Array(buf.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

import { deflateRawSync, inflateRawSync } from "node:zlib";

/**
 * How a trace row keeps its JSON columns (request and response bodies, guard verdicts, attempts)
 * small: raw DEFLATE with a preset dictionary of the strings those columns repeat on every call —
 * OpenAI's field names, Keel's scanner names and verdict keys. A few hundred bytes of JSON share
 * little with themselves, but nearly everything with the dictionary, so they shrink 3–5×
 * (bench/trace-row-size.ts). The work happens in the writer worker.
 *
 * Stored as a BLOB whose first byte names the dictionary; rows written before (TEXT) are read as
 * they are. A dictionary, once released, never changes: a new one gets a new first byte.
 */
export const DICTIONARY_V1 = Buffer.from([
  // Attempts (routing).
  '[{"target":"","provider":"","model":"","startMs":0,"waitMs":0,"durationMs":,"ttftMs":,"outcome":"ok","outcome":"error","errorCode":null,"upstreamStatus":null,"error":null}]',
  // Request bodies.
  '{"model":"","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"What is the"},{"role":"assistant","content":""}],"stream":true,"stream_options":{"include_usage":true},"temperature":0,"top_p":1,"max_tokens":,"max_completion_tokens":,"tools":[{"type":"function","function":{"name":"","description":"","parameters":{"type":"object","properties":{}}}}],"tool_choice":"auto","response_format":{"type":"json_object"},"user":"","metadata":{}}',
  // Response bodies.
  '{"id":"chatcmpl-","object":"chat.completion","created":17,"model":"","choices":[{"index":0,"message":{"role":"assistant","content":"","refusal":null,"tool_calls":[]},"logprobs":null,"finish_reason":"stop"}],"finish_reason":"length","usage":{"prompt_tokens":,"completion_tokens":,"total_tokens":,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}},"system_fingerprint":"","service_tier":"default"}',
  // Guard verdicts: the most repeated text of all, so last (the shortest back-references).
  '"action":"flag"},"action":"log"},{"scanner":"toxicity","source":"output","json_schema","pii","source":"user","source":"system","prompt_injection","findings":["classifier"]},',
  '{"scanner":"multi_turn","secrets","invisible_text","size_limit","system_prompt_leak","source":"output","score":0,"triggered":false,"triggered":true,"action":"redact","latency_ms":0.0',
  '},{"scanner":"","source":"user","score":0,"triggered":false,"action":"block","latency_ms":0.',
].join(""));

const V1 = 1;

/**
 * The size of each output buffer zlib fills. Node's default is 16 KB, allocated outside the V8 heap
 * for every call and freed only when the writer's heap next collects it: at ~4 columns a trace and
 * hundreds of traces a second, that garbage (plus each call's 256 KB deflate state, interleaved with
 * it) grew the writer thread's malloc arena by ~30 MB under load (bench/README.md, "Memory at the
 * defaults"). A packed column is a few hundred bytes, so 1 KB buffers come from Node's shared
 * buffer pool; a larger one takes several and is joined. The bytes written are the same.
 */
const OUT_CHUNK = 1024;

/**
 * The deflate state for a text that fits, with the dictionary, within what a 4 KB window can
 * reach (4096 bytes less zlib's 262-byte lookahead): most columns (attempts, verdicts, short
 * bodies). A 4 KB window and memLevel 4 need ~24 KB of zlib state instead of ~256 KB set up and
 * freed per column, for the same matches; longer texts keep zlib's defaults. The reader's inflate
 * (default 32 KB window) reads either.
 */
const SMALL = { dictionary: DICTIONARY_V1, level: 6, windowBits: 12, memLevel: 4, chunkSize: OUT_CHUNK };
const SMALL_MAX_BYTES = 4096 - 262 - DICTIONARY_V1.length;
const LARGE = { dictionary: DICTIONARY_V1, level: 6, chunkSize: OUT_CHUNK };

/** The column value for a JSON text: packed bytes, or the text itself when packing would not save. */
export function packJson(text: string | null): Buffer | string | null {
  if (text === null) return null;
  const bytes = Buffer.byteLength(text);
  const packed = deflateRawSync(text, bytes <= SMALL_MAX_BYTES ? SMALL : LARGE);
  if (packed.length + 1 >= bytes) return text;
  const out = Buffer.allocUnsafe(packed.length + 1);
  out[0] = V1;
  packed.copy(out, 1);
  return out;
}

/** The JSON text of a column value written by `packJson` (or before it existed, as TEXT). */
export function unpackJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  const buf = value as Buffer;
  if (buf[0] !== V1) throw new RangeError(`unknown packed JSON format ${buf[0]}`);
  return inflateRawSync(buf.subarray(1), { dictionary: DICTIONARY_V1 }).toString("utf8");
}

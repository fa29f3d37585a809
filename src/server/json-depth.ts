/**
 * The deepest JSON nesting any body may have. V8's JSON.parse copes with 100k levels, but every
 * recursive walker behind it — zod, secret masking, canonical JSON for hashes, the simulator's
 * schema-driven answers, JSON.stringify itself — would overflow the stack somewhere past ~10k.
 * One bound at the edge keeps them all simple. 128 is far above real traffic: OpenAI caps a
 * structured-output schema at 10 levels of objects (~25 levels of JSON with its wrapping).
 */
export const MAX_JSON_DEPTH = 128;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The byte offset where nesting first exceeds `maxDepth`, or -1. Iterative, one pass, before the
 * body is parsed: a 100k-deep body is refused without building it. Strings are skipped with
 * `indexOf` (native) — they are most of a chat body's bytes — so brackets inside them do not count.
 * Malformed input is left to JSON.parse: this only counts.
 */
export function depthExceededAt(buf: Uint8Array, maxDepth: number = MAX_JSON_DEPTH): number {
  // Exceeding maxDepth takes maxDepth + 1 opening bytes.
  if (buf.length <= maxDepth) return -1;
  const bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  let depth = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > maxDepth) return i;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
    else if (c === QUOTE) {
      i = stringEnd(bytes, i + 1);
      if (i === -1) return -1;
    }
  }
  return -1;
}

/** Index of the quote closing a string whose content starts at `from`, or -1 when unterminated. */
function stringEnd(bytes: Buffer, from: number): number {
  for (let q = bytes.indexOf(QUOTE, from); q !== -1; q = bytes.indexOf(QUOTE, q + 1)) {
    let slashes = 0;
    while (q - 1 - slashes >= from && bytes[q - 1 - slashes] === BACKSLASH) slashes++;
    // An odd run of backslashes escapes this quote; an even run escapes only itself.
    if (slashes % 2 === 0) return q;
  }
  return -1;
}

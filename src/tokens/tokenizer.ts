import { createRequire } from "node:module";

/**
 * gpt-tokenizer (o200k_base), loaded on first use. Its rank tables cost ~70 MB of RSS, which a
 * gateway that only proxies to providers reporting usage never needs; everything that tokenizes
 * goes through here so that cost is paid only when something actually counts.
 */
type Tok = typeof import("gpt-tokenizer");
let tok: Tok | null = null;

function load(): Tok {
  tok ??= createRequire(import.meta.url)("gpt-tokenizer") as Tok;
  return tok;
}

// User text may contain special-token strings such as "<|endoftext|>": treat them as plain text, never throw.
const PLAIN = { disallowedSpecial: new Set<string>() } as const;

/**
 * BPE merges within one pre-tokenizer piece cost O(n²) in the piece's length: 80k characters
 * without a space took 3.6 s, so one 4 MB word in a prompt would hold the event loop for hours.
 * Runs longer than this (of non-space or of space characters) are encoded in slices of this size:
 * the count stays exact for any text whose runs are shorter — every real word, URL or identifier —
 * and is off by at most a token per slice for the rest.
 */
const MAX_RUN = 1024;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN + 1},}|\\s{${MAX_RUN + 1},}`, "g");

export function encode(text: string): number[] {
  const t = load();
  if (text.length <= MAX_RUN) return t.encode(text, PLAIN);
  let out: number[] | null = null;
  let at = 0;
  for (const m of text.matchAll(LONG_RUN)) {
    out ??= [];
    if (m.index > at) append(out, t.encode(text.slice(at, m.index), PLAIN));
    const end = m.index + m[0].length;
    for (let i = m.index; i < end;) {
      let j = Math.min(i + MAX_RUN, end);
      // never cut a surrogate pair in two
      if (j < end && isHighSurrogate(text.charCodeAt(j - 1))) j--;
      append(out, t.encode(text.slice(i, j), PLAIN));
      i = j;
    }
    at = end;
  }
  if (out === null) return t.encode(text, PLAIN);
  if (at < text.length) append(out, t.encode(text.slice(at), PLAIN));
  return out;
}

/** push(...xs) would pass every token as an argument: a stack overflow for a large slice. */
function append(out: number[], xs: readonly number[]): void {
  for (const x of xs) out.push(x);
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

export function decode(tokens: Iterable<number>): string {
  return load().decode(tokens);
}

export function decodeGenerator(tokens: Iterable<number>): Generator<string, void, undefined> {
  return load().decodeGenerator(tokens);
}

export function tokenizerLoaded(): boolean {
  return tok !== null;
}

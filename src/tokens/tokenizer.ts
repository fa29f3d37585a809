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

export function encode(text: string): number[] {
  return load().encode(text, PLAIN);
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

/**
 * What the hostile-input bounds cost and save, in one process (docs/decisions/0012): the UTF-8 and
 * depth checks every JSON body now pays, against JSON.parse of the same body; and the tokenizer on
 * one long run of letters, gpt-tokenizer's encode as is against Keel's sliced encode.
 * `node --import tsx bench/hostile-input.ts`. Prints figures; asserts nothing.
 */
import { isUtf8 } from "node:buffer";
import { createRequire } from "node:module";
import { depthExceededAt } from "../src/server/json-depth.js";
import { encode } from "../src/tokens/tokenizer.js";

function perOp(fn: () => void, minMs = 500): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    n++;
  }
  return (performance.now() - t0) / n;
}

const small = Buffer.from(JSON.stringify({ model: "bench", max_tokens: 16, messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "Write one sentence about the sea, and mention a lighthouse in it please." }] }));
const big = Buffer.from(JSON.stringify({ model: "bench", messages: Array.from({ length: 2000 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `Message ${i}: ${"lorem ipsum dolor sit amet ".repeat(18)}` })) }));
for (const [name, body] of [["281-byte chat body", small], [`${(big.length / 1e6).toFixed(1)} MB chat body`, big]] as const) {
  const checks = perOp(() => void (isUtf8(body) && depthExceededAt(body)));
  const parse = perOp(() => void JSON.parse(body.toString("utf8")));
  console.log(`${name}: UTF-8 + depth checks ${(checks * 1000).toFixed(2)} µs, JSON.parse ${(parse * 1000).toFixed(2)} µs — checks/parse = ${(checks / parse).toFixed(3)}`);
}

// Fresh random letters each time: gpt-tokenizer caches pieces it has seen.
const letters = (n: number): string => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");
const lib = createRequire(import.meta.url)("gpt-tokenizer") as typeof import("gpt-tokenizer");
const PLAIN = { disallowedSpecial: new Set<string>() };
for (const n of [20_000, 80_000]) {
  const a = letters(n);
  const b = letters(n);
  let t = performance.now();
  lib.encode(a, PLAIN);
  const before = performance.now() - t;
  t = performance.now();
  encode(b);
  const after = performance.now() - t;
  console.log(`one ${n}-letter run: gpt-tokenizer ${before.toFixed(0)} ms, Keel's sliced encode ${after.toFixed(0)} ms — ${(before / after).toFixed(1)}× faster`);
}

/**
 * Realistic request bodies of any size for the guard benchmarks: ordinary e-mails and tables
 * (the clean half of BIPIA in data/guard/train/indirect.jsonl), TypeScript code blocks, and a
 * sentence with personal data (names, addresses, phone numbers, an e-mail, a card) every tenth
 * paragraph. Deterministic: the same size gives the same text.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROWS = readFileSync(join(import.meta.dirname, "../data/guard/train/indirect.jsonl"), "utf8")
  .split("\n")
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; label: number })
  .filter((r) => r.label === 0)
  .map((r) => r.text);

const CODE = [
  "```ts",
  "export function parse(input: string): Record<string, number> {",
  "  const out: Record<string, number> = {};",
  "  for (const line of input.split(\"\\n\")) {",
  "    const [k, v] = line.split(\"=\");",
  "    if (k && v) out[k.trim()] = Number(v);",
  "  }",
  "  return out;",
  "}",
  "```",
].join("\n");

const PII = [
  "Please ship it to 221B Baker Street, London NW1 6XE, and call me on +44 20 7946 0958 if anything goes wrong.",
  "My name is Janka Szász and my email is janka.szasz@example.org; the card on file is 4111 1111 1111 1111.",
  "Contact John Miller at the office, 1600 Amphitheatre Parkway, Mountain View, CA 94043, phone (650) 253-0000.",
];

/** A text of exactly `chars` characters. */
export function realisticText(chars: number): string {
  const parts: string[] = [];
  let n = 0;
  for (let i = 0; n < chars; i++) {
    const k = i % 10;
    const p = k === 3 ? CODE : k === 7 ? PII[i % PII.length] : ROWS[(i * 7) % ROWS.length];
    parts.push(p);
    n += p.length + 2;
  }
  return parts.join("\n\n").slice(0, chars);
}

import type { Finding, ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";
import { LEXICON, type ToxicCategory } from "./toxicity-lexicon.js";
import { pattern } from "../regex-registry.js";
import { toxicityOptions, type ToxicityOptions } from "./toxicity-options.js";

// Leetspeak and separators that people use to dodge word lists: f*ck, sh1t, f.u.c.k.
const FOLD: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s", "!": "i" };
// The separator first, then the letter before it: the look-behind runs only where a separator
// stands, not at every character (the same matches as `(?<=\p{L})[*.\-_](?=\p{L})`).
const SEPARATOR = /[*.\-_](?<=\p{L}[*.\-_])(?=\p{L})/gu;
function fold(text: string): string {
  return text.toLowerCase().replace(/[013457@$!]/g, (c) => FOLD[c] ?? c).replace(SEPARATOR, "");
}

/**
 * A look-ahead of the terms' first characters, to put ahead of the look-behind and the
 * alternation: the engine passes most characters on one class test (the same matches, since
 * every alternative starts with one of them). Empty when a first character is one a class
 * cannot hold plainly (whitespace: `\s+` stands for the spaces inside terms).
 */
function firstCharsAhead(terms: readonly string[]): string {
  const firsts = new Set<string>();
  for (const t of terms) {
    const c = String.fromCodePoint(t.codePointAt(0) ?? 32);
    if (/\s/.test(c)) return "";
    firsts.add(c);
  }
  return firsts.size === 0 ? "" : `(?=[${[...firsts].map((c) => c.replace(/[\\\]\[^-]/g, "\\$&")).join("")}])`;
}

/**
 * Profanity, insults, threats, self-harm encouragement, sexual content and slurs from a lexicon
 * (toxicity-lexicon.ts). The score is the strongest category found, plus 0.1 per further hit
 * (repeated abuse is surer than one swear word), capped at 1. Positions refer to the folded text,
 * which has the same length except where separators inside words were dropped, so spans are not
 * reported: redaction is not offered for this scanner.
 */
export const toxicityScanner: ScannerDefinition<ToxicityOptions> = {
  name: "toxicity",
  options: toxicityOptions,
  create(o) {
    const weightOf = new Map<string, { w: number; cat: string }>();
    for (const [cat, { weight, terms }] of Object.entries(LEXICON) as [ToxicCategory, { weight: number; terms: string[] }][]) {
      if (o.ignore.includes(cat)) continue;
      for (const t of terms) weightOf.set(t, { w: weight, cat });
    }
    for (const t of o.extra_terms) weightOf.set(t.toLowerCase(), { w: 0.8, cat: "custom" });
    const terms = [...weightOf.keys()].sort((a, b) => b.length - a.length);
    const alts = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s+"));
    // Literal alternatives (escaped) with \s+ between words: one pass, no nested quantifier.
    const re = pattern("toxicity.lexicon", `${firstCharsAhead(terms)}(?<![\\p{L}\\p{N}])(?:${alts.join("|")})(?![\\p{L}\\p{N}])`, "gu");
    return {
      name: "toxicity",
      cost: "fast",
      pure: true,
      large: "whole",
      sources: ["user", "document", "tool_result", "output"],
      scan(input: ScanInput) {
        const byCat = new Map<string, number>();
        let hits = 0;
        for (const m of fold(input.text).matchAll(re)) {
          const e = weightOf.get(m[0].replace(/\s+/g, " "));
          if (!e) continue;
          hits++;
          byCat.set(e.cat, Math.max(byCat.get(e.cat) ?? 0, e.w));
        }
        const findings: Finding[] = [];
        let top = 0;
        for (const [cat, w] of byCat) {
          findings.push({ type: cat, score: w });
          top = Math.max(top, w);
        }
        const score = hits === 0 ? 0 : Math.min(1, top + 0.1 * (hits - 1));
        return { scanner: "toxicity", score, triggered: score >= o.threshold, findings };
      },
    };
  },
};

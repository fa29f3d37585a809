import type { Finding, ScanInput } from "../types.js";
import { NO_FACTS, type ScannerDefinition } from "./definition.js";
import { promptLeakOptions, type PromptLeakOptions } from "./prompt-leak-options.js";

const words = (s: string): string[] => s.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];

interface Prepared {
  readonly shingles: ReadonlySet<string>;
  /** Every word of the system prompt: a run of the answer holding another word is no shingle. */
  readonly vocabulary: ReadonlySet<string>;
  /** A system prompt shorter than one shingle is matched whole. */
  readonly whole: string | null;
}

/**
 * A system prompt's shingles, remembered: the scanner is made for every request, and most calls of
 * an application repeat the same system prompt, so NFKC, the word split and the set were redone
 * each time for the same answer (0.85 % of the main thread's CPU at c=50, bench/README.md). Bounded
 * like the canary memo (guard-service.ts): at most 256 prompts of ≤ 16 KB, cleared when full.
 */
const MEMO_SIZE = 256;
const MEMO_MAX_CHARS = 16_384;
// Per shingle length, then keyed by the prompt itself (no key string built per request).
const memo = new Map<number, Map<string, Prepared>>();

function prepared(systemPrompt: string, ngram: number): Prepared {
  let byPrompt = memo.get(ngram);
  if (!byPrompt) memo.set(ngram, (byPrompt = new Map()));
  const keyed = systemPrompt.length <= MEMO_MAX_CHARS;
  const hit = keyed ? byPrompt.get(systemPrompt) : undefined;
  if (hit) return hit;
  const sys = words(systemPrompt);
  const shingles = new Set<string>();
  for (let i = 0; i + ngram <= sys.length; i++) shingles.add(sys.slice(i, i + ngram).join(" "));
  const whole = sys.length > 0 && sys.length < ngram && sys.join(" ").length >= 20 ? sys.join(" ") : null;
  const p: Prepared = { shingles, vocabulary: new Set(sys), whole };
  if (keyed) {
    if (byPrompt.size >= MEMO_SIZE) byPrompt.clear();
    byPrompt.set(systemPrompt, p);
  }
  return p;
}

/**
 * System-prompt leakage in answers, two ways: the canary token Keel planted in the served system
 * prompt appearing in the output (certain), and word n-grams of the system prompt appearing in it
 * (one shared 8-word run scores 0.7; 30% of the prompt's runs score 1). Comparison is on
 * lower-cased words, so re-spacing or punctuation changes do not hide a quote; a paraphrase or a
 * translation does (documented limit).
 */
export const promptLeakScanner: ScannerDefinition<PromptLeakOptions> = {
  name: "system_prompt_leak",
  options: promptLeakOptions,
  perRequest: true,
  create(o, facts = NO_FACTS) {
    const { shingles, vocabulary, whole } = prepared(facts.systemPrompt, o.ngram);
    return {
      name: "system_prompt_leak",
      cost: "fast",
      large: "whole",
      sources: ["output"],
      scan(input: ScanInput) {
        const findings: Finding[] = [];
        if (facts.canary && input.text.includes(facts.canary)) findings.push({ type: "canary_token", score: 1 });
        if (shingles.size > 0 || whole) {
          const out = words(input.text);
          if (whole && ` ${out.join(" ")} `.includes(` ${whole} `)) findings.push({ type: "system_prompt", score: 0.9 });
          let hits = 0;
          const seen = new Set<string>();
          // A shingle is prompt words joined by spaces (words hold none), so a window of the answer
          // can be one only when all its words are prompt words: `run` counts the prompt words
          // ending at `j`, and only windows inside such a run are joined and looked up.
          let run = 0;
          for (let j = 0; j < out.length; j++) {
            run = vocabulary.has(out[j]) ? run + 1 : 0;
            if (run < o.ngram) continue;
            const g = out.slice(j + 1 - o.ngram, j + 1).join(" ");
            if (shingles.has(g) && !seen.has(g)) {
              seen.add(g);
              hits++;
            }
          }
          if (hits > 0) findings.push({ type: "system_prompt", score: hits / shingles.size >= o.full_leak_ratio ? 1 : 0.7 });
        }
        const score = findings.reduce((m, f) => Math.max(m, f.score), 0);
        return { scanner: "system_prompt_leak", score, triggered: score >= o.threshold, findings };
      },
    };
  },
};

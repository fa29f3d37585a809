import type { Finding, ScanInput } from "../types.js";
import { NO_FACTS, type ScannerDefinition } from "./definition.js";
import { promptLeakOptions, type PromptLeakOptions } from "./prompt-leak-options.js";

const words = (s: string): string[] => s.toLowerCase().normalize("NFKC").match(/[\p{L}\p{N}]+/gu) ?? [];

interface Prepared {
  readonly shingles: ReadonlySet<string>;
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
const memo = new Map<string, Prepared>();

function prepared(systemPrompt: string, ngram: number): Prepared {
  const key = systemPrompt.length <= MEMO_MAX_CHARS ? `${ngram}\u0000${systemPrompt}` : null;
  const hit = key === null ? undefined : memo.get(key);
  if (hit) return hit;
  const sys = words(systemPrompt);
  const shingles = new Set<string>();
  for (let i = 0; i + ngram <= sys.length; i++) shingles.add(sys.slice(i, i + ngram).join(" "));
  const whole = sys.length > 0 && sys.length < ngram && sys.join(" ").length >= 20 ? sys.join(" ") : null;
  const p: Prepared = { shingles, whole };
  if (key !== null) {
    if (memo.size >= MEMO_SIZE) memo.clear();
    memo.set(key, p);
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
    const { shingles, whole } = prepared(facts.systemPrompt, o.ngram);
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
          for (let i = 0; i + o.ngram <= out.length; i++) {
            const g = out.slice(i, i + o.ngram).join(" ");
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

import type { Finding, ScanInput } from "../types.js";
import { NO_FACTS, result, type ScannerDefinition } from "./definition.js";
import { citationsOptions, type CitationsOptions } from "./citations-options.js";

/**
 * Citation checks of answers (docs/knowledge.md): each citation in the output must point at a
 * chunk retrieved for this call — Keel retrievals under the call's trace, or the chunks the
 * request carried — else `citation_fabricated`; and that chunk must support the cited sentence
 * by the lexical groundedness claim check, else `citation_unsupported`. One finding per failed
 * citation, spanning its marker. The check itself is passed in (`ScannerDeps.citations`); without
 * it the scanner reports itself unavailable rather than passing answers it never checked.
 */
export const citationsScanner: ScannerDefinition<CitationsOptions> = {
  name: "citations",
  options: citationsOptions,
  perRequest: true,
  create(o, facts = NO_FACTS, deps) {
    const on = new Set(o.on);
    const checker = deps?.citations;
    let check: ((answer: string, threshold: number) => readonly { verdict: string; start: number; end: number }[]) | null = null;
    return {
      name: "citations",
      cost: "fast",
      large: "whole",
      sources: ["output"],
      // Synchronous on purpose: the stream screen runs whole-answer checks only when they are.
      scan(input: ScanInput) {
        if (!checker) return { ...result("citations", [], o.threshold), unavailable: "error" as const };
        // Built on first scan, once per request: the search's retrieval span is written before the call.
        check ??= checker.forRequest({ messages: facts.messages ?? [], traceId: facts.traceId ?? null });
        const findings: Finding[] = [];
        for (const r of check(input.text, o.support_threshold)) {
          if (r.verdict === "supported" || !on.has(r.verdict as "fabricated" | "unsupported")) continue;
          findings.push({ type: `citation_${r.verdict}`, start: r.start, end: r.end, score: 1 });
        }
        return result("citations", findings, o.threshold);
      },
    };
  },
};

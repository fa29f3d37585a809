import type { Finding, ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";
import { operatorPattern } from "../regex-registry.js";
import { keywordOptions, type KeywordOptions } from "./keyword-options.js";

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Keyword lists and banned topics: one compiled alternation over all terms (longest first, so
 * "credit card fraud" wins over "credit card"), matched in one pass. Deliberately simple and
 * predictable: an operator's list means exactly what it says. Paraphrases are not caught.
 */
export const keywordScanner: ScannerDefinition<KeywordOptions> = {
  name: "banned_topics",
  options: keywordOptions,
  create(o) {
    const topicOf = new Map<string, string>();
    for (const k of o.keywords) topicOf.set(o.case_sensitive ? k : k.toLowerCase(), "keyword");
    for (const [topic, terms] of Object.entries(o.topics)) for (const t of terms) topicOf.set(o.case_sensitive ? t : t.toLowerCase(), topic);
    const terms = [...topicOf.keys()].sort((a, b) => b.length - a.length).map(escape);
    const edge = o.whole_words ? ["(?<![\\p{L}\\p{N}_])", "(?![\\p{L}\\p{N}_])"] : ["", ""];
    const re = terms.length ? operatorPattern(`${edge[0]}(?:${terms.join("|")})${edge[1]}`, o.case_sensitive ? "gu" : "giu") : null;
    return {
      name: "banned_topics",
      cost: "fast",
      pure: true,
      large: "whole",
      sources: ["user", "document", "tool_result", "output"],
      scan(input: ScanInput) {
        const findings: Finding[] = [];
        if (re) {
          for (const m of input.text.matchAll(re)) {
            findings.push({ type: topicOf.get(o.case_sensitive ? m[0] : m[0].toLowerCase()) ?? "keyword", start: m.index, end: m.index + m[0].length, score: 1 });
          }
        }
        return result("banned_topics", findings, 0.5);
      },
    };
  },
  redaction: (f) => ({ label: f.type.toUpperCase(), restorable: false }),
};

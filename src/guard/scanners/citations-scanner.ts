import { parseCitations } from "../../knowledge/citations/parse.js";
import type { CitableChunk } from "../../knowledge/citations/sources.js";
import { verifyCitationsLexical } from "../../knowledge/citations/verify.js";
import type { Finding, ScanInput } from "../types.js";
import { NO_FACTS, result, type ScannerDefinition } from "./definition.js";
import { citationsOptions, type CitationsOptions } from "./citations-options.js";

/**
 * Citation checks of answers (docs/knowledge.md): each citation in the output must point at a
 * chunk retrieved for this call — Keel retrievals under the call's trace, then the chunks the
 * request carried — else `citation_fabricated`; and that chunk must support the cited sentence
 * by the lexical groundedness claim check, else `citation_unsupported`. One finding per failed
 * citation, spanning its marker. An answer without citations never triggers.
 */
export const citationsScanner: ScannerDefinition<CitationsOptions> = {
  name: "citations",
  options: citationsOptions,
  perRequest: true,
  create(o, facts = NO_FACTS, deps) {
    const on = new Set(o.on);
    let sources: readonly CitableChunk[] | null = null;
    // Resolved on first scan, once per request: the retrieval spans are written before the call.
    const chunks = (): readonly CitableChunk[] => {
      if (sources) return sources;
      const retrieved = facts.traceId && deps?.citations ? deps.citations.retrieved(facts.traceId) : [];
      const carried = facts.citable ?? [];
      // Numbers the prompt gives win: retrieved chunks then stay citable by file, name or URL only.
      const numbered = carried.some((c) => c.number !== undefined);
      sources = [...(numbered ? retrieved.map(({ number: _n, ...c }) => c) : retrieved), ...carried];
      return sources;
    };
    return {
      name: "citations",
      cost: "fast",
      large: "whole",
      sources: ["output"],
      // Synchronous on purpose: the stream screen runs whole-answer checks only when they are.
      scan(input: ScanInput) {
        const parsed = parseCitations(input.text);
        if (parsed.citations.length === 0) return result("citations", [], o.threshold);
        const report = verifyCitationsLexical(parsed, chunks(), o.support_threshold);
        deps?.citations?.observe(report.results);
        const findings: Finding[] = [];
        report.results.forEach((r, i) => {
          if (r.verdict === "supported" || !on.has(r.verdict)) return;
          const c = parsed.citations[i];
          findings.push({ type: `citation_${r.verdict}`, start: c.start, end: c.end, score: 1 });
        });
        return result("citations", findings, o.threshold);
      },
    };
  },
};

import { parseCitations } from "../../evals/citations/parse.js";
import type { CitableChunk } from "../../evals/citations/sources.js";
import { type CitationResult, verifyCitationsLexical } from "../../evals/citations/verify.js";
import type { CitationChecker, CitationFinding } from "../../guard/scanners/definition.js";
import type { IngestedSpan } from "../../observe/otel/otlp-ingest.js";
import type { KnowledgeStore } from "../knowledge-store.js";
import { carriedChunks, retrievedChunks } from "./call-sources.js";

export interface CitationCheckDeps {
  spans: { byTrace(traceId: string): IngestedSpan[] };
  store: Pick<KnowledgeStore, "getChunks" | "getFile">;
  /** Counts every checked citation (keel_citations_checked_total). */
  observe?(results: readonly Pick<CitationResult, "verdict" | "kind">[]): void;
}

/** The `citations` guard scanner's check: parse, resolve against this call's chunks, lexical support. */
export function citationChecker(d: CitationCheckDeps): CitationChecker {
  return {
    forRequest({ messages, traceId }) {
      let sources: CitableChunk[] | null = null;
      const chunks = (): CitableChunk[] => {
        if (sources) return sources;
        const retrieved = traceId ? retrievedChunks(d.spans.byTrace(traceId), d.store) : [];
        const carried = carriedChunks(messages);
        // Numbers the prompt gives win: retrieved chunks then stay citable by file, name or URL only.
        const numbered = carried.some((c) => c.number !== undefined);
        sources = [...(numbered ? retrieved.map(({ number: _n, ...c }) => c) : retrieved), ...carried];
        return sources;
      };
      return (answer, supportThreshold) => {
        const parsed = parseCitations(answer);
        if (parsed.citations.length === 0) return [];
        const report = verifyCitationsLexical(parsed, chunks(), supportThreshold);
        d.observe?.(report.results);
        return report.results.map((r, i): CitationFinding => ({ verdict: r.verdict, start: parsed.citations[i].start, end: parsed.citations[i].end }));
      };
    },
  };
}

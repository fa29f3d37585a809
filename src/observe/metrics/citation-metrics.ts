import type { Counter, PromRegistry } from "./prom-registry.js";

export type CitationVerdictLabel = "supported" | "unsupported" | "fabricated";
export type CitationKindLabel = "numeric" | "file_search" | "url" | "file_citation";

const VERDICTS: readonly CitationVerdictLabel[] = ["supported", "unsupported", "fabricated"];
const KINDS: readonly CitationKindLabel[] = ["numeric", "file_search", "url", "file_citation"];

/**
 * Citation checks of answers by the `citations` guard scanner (docs/knowledge.md), by verdict and
 * marker kind: two fixed sets, so 12 series at most. No model, key or store label: the trace
 * names those for each call.
 */
export class CitationMetrics {
  private readonly checked: Counter;
  private readonly labels = new Map<string, readonly string[]>();

  constructor(r: PromRegistry) {
    this.checked = r.counter("keel_citations_checked_total", "Citations in answers checked by the citations guard scanner, by verdict (supported, unsupported, fabricated) and marker kind.", ["verdict", "kind"]);
    for (const v of VERDICTS) for (const k of KINDS) {
      const l = [v, k];
      this.labels.set(`${v}/${k}`, l);
      // Every series exists from the start, so rate() is defined before the first citation.
      this.checked.inc(l, 0);
    }
  }

  observe(results: readonly { verdict: CitationVerdictLabel; kind: CitationKindLabel }[]): void {
    for (const r of results) {
      const l = this.labels.get(`${r.verdict}/${r.kind}`);
      if (l) this.checked.inc(l);
    }
  }
}

import { detectPii } from "../pii/detect-pii.js";
import type { ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";
import { piiOptions, type PiiOptions } from "./pii-options.js";

/** Personal data: checksummed numbers, contact details, addresses and names (src/guard/pii/). */
export const piiScanner: ScannerDefinition<PiiOptions> = {
  name: "pii",
  options: piiOptions,
  create(o) {
    const types = o.types ? new Set(o.types) : undefined;
    return {
      name: "pii",
      cost: "fast",
      pure: true,
      sources: ["user", "document", "tool_result", "output"],
      scan(input: ScanInput) {
        const found = detectPii(input.text, { types, minScore: o.min_score, personTagger: o.person_tagger });
        return result("pii", found.map((e) => ({ type: e.type, start: e.start, end: e.end, score: e.score })), o.min_score);
      },
      // Past the scan budget the middle gets the checksummed and shaped detectors; names and
      // addresses (context-heavy, the costliest part) are read in the head and tail windows only.
      skim(input: ScanInput) {
        const found = detectPii(input.text, { types, minScore: o.min_score, structuredOnly: true });
        return result("pii", found.map((e) => ({ type: e.type, start: e.start, end: e.end, score: e.score })), o.min_score);
      },
    };
  },
  redaction: (f) => ({ label: f.type, restorable: true }),
};

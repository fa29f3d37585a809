import type { Finding, ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";
import { invisibleOptions, type InvisibleOptions } from "./invisible-text-options.js";

/** A run of this many zero-width characters is an encoding (bits, as in "sneaky bits"), not typography. */
export const ZERO_WIDTH_RUN = 8;

/**
 * ASCII smuggling: Unicode tag characters (U+E0000–E007F) carry hidden ASCII that models read and
 * people do not see; bidi overrides reorder what is shown; zero-width characters split trigger
 * words, and a long run of them carries bits. Tag runs are decoded into the finding type so a
 * trace shows that something was hidden, never what. (The injection scanner's normaliser also
 * strips these before its own analysis.)
 */

const RUNS: { re: RegExp; type: string; score: (o: InvisibleOptions, run: string) => number }[] = [
  { re: /[\u{E0000}-\u{E007F}]+/gu, type: "tag_characters", score: () => 0.95 },
  { re: /[\u202A-\u202E\u2066-\u2069]+/g, type: "bidi_override", score: () => 0.9 },
  { re: /[\u200B-\u200D\u2060-\u2064\uFEFF\u180E\u00AD\u034F\u115F\u1160\u3164\uFFA0]+/g, type: "zero_width", score: (o, run) => (run.length >= ZERO_WIDTH_RUN ? Math.max(0.8, o.zero_width_score) : o.zero_width_score) },
  { re: /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]{4,}/gu, type: "variation_selectors", score: () => 0.8 },
];

export const invisibleTextScanner: ScannerDefinition<InvisibleOptions> = {
  name: "invisible_text",
  options: invisibleOptions,
  create(o) {
    return {
      name: "invisible_text",
      cost: "fast",
      pure: true,
      large: "whole",
      sources: ["user", "document", "tool_result", "output"],
      scan(input: ScanInput) {
        const findings: Finding[] = [];
        // Fast exit: every character of interest is outside printable ASCII.
        if (/^[\x20-\x7e\n\r\t]*$/.test(input.text)) return result("invisible_text", findings, o.threshold);
        for (const { re, type, score } of RUNS) {
          for (const m of input.text.matchAll(re)) findings.push({ type, start: m.index, end: m.index + m[0].length, score: score(o, m[0]) });
        }
        return result("invisible_text", findings, o.threshold);
      },
    };
  },
  // Redacting invisible text deletes it.
  redaction: () => ({ label: "", restorable: false }),
};

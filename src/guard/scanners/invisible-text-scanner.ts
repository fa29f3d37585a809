import { createInvisibleTextScanner } from "../injection/invisible-text-scanner.js";
import type { ScannerDefinition } from "./definition.js";
import { invisibleOptions, type InvisibleOptions } from "./invisible-text-options.js";

export { ZERO_WIDTH_RUN } from "../injection/invisible-text-scanner.js";

/**
 * The policy engine's `invisible_text` scanner: the detector in
 * `guard/injection/invisible-text-scanner.ts` (tag characters, bidi overrides, zero-width runs,
 * variation-selector runs; spans, never the hidden text) with its options, and redaction that
 * deletes what it found.
 */
export const invisibleTextScanner: ScannerDefinition<InvisibleOptions> = {
  name: "invisible_text",
  options: invisibleOptions,
  create(o) {
    return createInvisibleTextScanner({ threshold: o.threshold, zeroWidthScore: o.zero_width_score, sources: ["user", "document", "tool_result", "output"] });
  },
  // Redacting invisible text deletes it.
  redaction: () => ({ label: "", restorable: false }),
};

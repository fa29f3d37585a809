import { detectAddresses } from "./address-detector.js";
import { type Entity, type PiiType, resolveOverlaps } from "./entity.js";
import { DIGIT_DETECTORS, PATTERN_DETECTORS } from "./pattern-detectors.js";
import { detectPersons } from "./person-detector.js";

export interface DetectPiiOptions {
  /** Types to report; all when absent. */
  types?: ReadonlySet<PiiType>;
  /** Entities scoring below this are dropped (0..1). */
  minScore?: number;
  /** The statistical person-name tagger on top of the name rules (default true; decision 0034). */
  personTagger?: boolean;
  /** Only the structured pattern detectors (checksums, e-mails, phones…): the linear skim of an over-budget text. */
  structuredOnly?: boolean;
}

/**
 * All PII in one text, non-overlapping and sorted by position. Pure: the same text gives the
 * same entities. Structured detectors (checksummed numbers, e-mails) run first in priority: where
 * a card number sits inside what looked like an address, the validated card wins.
 */
const DIGIT = /\d/;

export function detectPii(text: string, opts: DetectPiiOptions = {}): Entity[] {
  const min = opts.minScore ?? 0.6;
  const found: Entity[] = [];
  // One test for a digit: the detectors that need one (and every address pattern, cue included)
  // cannot match without it, and most chat turns hold none.
  const digits = DIGIT.test(text);
  for (const detect of PATTERN_DETECTORS) if (digits || !DIGIT_DETECTORS.has(detect)) found.push(...detect(text));
  if (!opts.structuredOnly) {
    if (digits) found.push(...detectAddresses(text));
    found.push(...detectPersons(text, opts.personTagger === false ? null : undefined));
  }
  const kept = found.filter((e) => e.score >= min && e.end > e.start && (!opts.types || opts.types.has(e.type)));
  return resolveOverlaps(kept);
}

/** The kinds of personal data Keel's PII scanner finds; each is also its placeholder label. */
export type PiiType =
  | "EMAIL"
  | "PHONE"
  | "CREDIT_CARD"
  | "IBAN"
  | "US_SSN"
  | "UK_NINO"
  | "CA_SIN"
  | "ES_DNI"
  | "IP_ADDRESS"
  | "DATE_OF_BIRTH"
  | "STREET_ADDRESS"
  | "PERSON";

export const PII_TYPES: readonly PiiType[] = [
  "EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "UK_NINO", "CA_SIN", "ES_DNI", "IP_ADDRESS", "DATE_OF_BIRTH", "STREET_ADDRESS", "PERSON",
];

/** One detected span: `text.slice(start, end)` is the personal datum. */
export interface Entity {
  type: PiiType;
  start: number;
  end: number;
  /** 0..1: validated checksums and explicit context score high, bare shapes lower. */
  score: number;
}

/**
 * Keeps the best of overlapping entities: higher score wins, then the longer span. Sorted by start.
 * Linear after the sort: each entity is compared only with the last one kept.
 */
export function resolveOverlaps(found: Entity[]): Entity[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Entity[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (!last || e.start >= last.end) {
      out.push(e);
      continue;
    }
    if (better(e, last)) out[out.length - 1] = e;
  }
  return out;
}

function better(a: Entity, b: Entity): boolean {
  if (a.score !== b.score) return a.score > b.score;
  return a.end - a.start > b.end - b.start;
}

/** Is there a cue word within `window` characters before `index`? Cues are matched case-insensitively. */
export function cueBefore(text: string, index: number, cue: RegExp, window = 40): boolean {
  return cue.test(text.slice(Math.max(0, index - window), index));
}

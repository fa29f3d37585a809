import { detectPii } from "../guard/pii/detect-pii.js";
import { PII_TYPES, type PiiType } from "../guard/pii/entity.js";
import { piiLabel } from "./pii-classes.js";

/** Returns a short, stable, keyed digest of one value of one class (see pii-hash.ts). */
export type PiiHasher = (type: PiiType, value: string) => string;

export interface PiiMasker {
  /** The classes replaced; the rest are stored as they are. */
  readonly types: ReadonlySet<PiiType>;
  /** Present under `hash`: placeholders carry the value's digest. */
  readonly hasher?: PiiHasher;
}

/** The classes a policy replaces: every class but those it keeps. */
export function maskedTypes(keep: readonly string[]): ReadonlySet<PiiType> {
  return new Set(PII_TYPES.filter((t) => !keep.includes(t)));
}

// A JSON escape inside a string value (tool-call arguments are JSON text in a string): `\n`
// before "John" must not read as the word "nJohn". Detection runs on a copy where each escape is
// blanked to as many spaces, so offsets into the original stay exact.
const ESCAPE_RE = /\\(?:u[0-9a-fA-F]{4}|["\\/bfnrt])/g;

/**
 * One text with its personal data replaced: `[PII:credit_card]`, or with a hasher
 * `[PII:credit_card:1f0c…]`. Pure; the same text and key give the same output.
 */
export function maskPiiText(text: string, m: PiiMasker): string {
  return text.length < 3 ? text : maskSegments([text], m)[0];
}

// Between the strings of one body when they are scanned as one text: a blank line, which ends an
// address, a name and a cue, and which no structured pattern (card, IBAN, phone, id) spans. (A NUL
// did not work: the address detector swallowed it and then rejected the whole candidate.)
const SEP = "\n\n";

/**
 * Several strings scanned in one detector pass (a body's strings: one pass per body instead of one
 * per field, which is what a detector call mostly costs on short strings). An entity that still
 * spans two strings is masked in both.
 */
function maskSegments(texts: readonly string[], m: PiiMasker): string[] {
  const joined = texts.length === 1 ? texts[0] : texts.join(SEP);
  const view = joined.includes("\\") ? joined.replace(ESCAPE_RE, (e) => " ".repeat(e.length)) : joined;
  const found = detectPii(view, { types: m.types });
  if (found.length === 0) return texts as string[];
  const out: string[] = [];
  let k = 0;
  let offset = 0;
  for (const text of texts) {
    const end = offset + text.length;
    let masked = "";
    let at = offset;
    while (k < found.length && found[k].start < end) {
      const e = found[k];
      const from = Math.max(e.start, offset);
      const to = Math.min(e.end, end);
      if (to > from) {
        const label = piiLabel(e.type);
        const value = joined.slice(e.start, e.end).split(SEP).join("");
        masked += joined.slice(at, from) + (m.hasher ? `[PII:${label}:${m.hasher(e.type, value)}]` : `[PII:${label}]`);
        at = to;
      }
      if (e.end > end) break; // continues into the next string
      k++;
    }
    out.push(masked + joined.slice(at, end));
    offset = end + SEP.length;
  }
  return out;
}

/** Every string inside a JSON value masked (object keys are field names, left alone). Copy-on-write. */
export function maskPiiDeep(value: unknown, m: PiiMasker): unknown {
  const leaves: string[] = [];
  collect(value, leaves);
  if (leaves.length === 0) return value;
  const masked = maskSegments(leaves, m);
  let i = 0;
  return rebuild(value, () => masked[i++]);
}

function collect(value: unknown, into: string[]): void {
  if (typeof value === "string") into.push(value);
  else if (Array.isArray(value)) for (const v of value) collect(v, into);
  else if (value && typeof value === "object") for (const v of Object.values(value)) collect(v, into);
}

function rebuild(value: unknown, next: () => string): unknown {
  if (typeof value === "string") return next();
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = rebuild(value[i], next);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value && typeof value === "object") {
    let out: Record<string, unknown> | null = null;
    for (const [k, x] of Object.entries(value)) {
      const v = rebuild(x, next);
      if (v !== x) (out ??= { ...(value as Record<string, unknown>) })[k] = v;
    }
    return out ?? value;
  }
  return value;
}

const CUT_RE = /…\[truncated (\d+) chars\]$/;

/**
 * A captured body (JSON text from `captureBody`, possibly cut) masked, then cut to `maxChars`.
 * The gateway cuts bodies that will be masked a little past `maxChars` (`PII_CUT_SLACK`), so a
 * value straddling the final cut is still whole when it is detected, and only masked text is cut.
 */
export function maskCapturedBody(text: string | null, m: PiiMasker, maxChars: number): string | null {
  if (text === null) return null;
  let body: string;
  let alreadyCut = 0;
  const marker = CUT_RE.exec(text);
  if (marker) {
    alreadyCut = Number(marker[1]);
    body = maskPiiText(text.slice(0, marker.index), m);
  } else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    body = parsed === undefined ? maskPiiText(text, m) : JSON.stringify(maskPiiDeep(parsed, m));
  }
  if (body.length <= maxChars && alreadyCut === 0) return body;
  if (body.length <= maxChars) return `${body}…[truncated ${alreadyCut} chars]`;
  return `${body.slice(0, maxChars)}…[truncated ${body.length - maxChars + alreadyCut} chars]`;
}

/** How far past `max_body_chars` the gateway cuts a body that is masked before storing. */
export const PII_CUT_SLACK = 256;

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
  if (text.length < 3) return text;
  const view = text.includes("\\") ? text.replace(ESCAPE_RE, (e) => " ".repeat(e.length)) : text;
  const found = detectPii(view, { types: m.types });
  if (found.length === 0) return text;
  let out = "";
  let at = 0;
  for (const e of found) {
    const label = piiLabel(e.type);
    out += text.slice(at, e.start) + (m.hasher ? `[PII:${label}:${m.hasher(e.type, text.slice(e.start, e.end))}]` : `[PII:${label}]`);
    at = e.end;
  }
  return out + text.slice(at);
}

/** Every string inside a JSON value masked (object keys are field names, left alone). Copy-on-write. */
export function maskPiiDeep(value: unknown, m: PiiMasker): unknown {
  if (typeof value === "string") return maskPiiText(value, m);
  if (Array.isArray(value)) {
    let out: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const v = maskPiiDeep(value[i], m);
      if (v !== value[i]) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  if (value && typeof value === "object") {
    let out: Record<string, unknown> | null = null;
    for (const [k, x] of Object.entries(value)) {
      const v = maskPiiDeep(x, m);
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

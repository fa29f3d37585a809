/**
 * Typed placeholders for redacted values, one vault per request: `[EMAIL_1]`, `[PERSON_2]`. The
 * same value gets the same placeholder everywhere in the request (so the model can still tell
 * "the same person" from "another person"), and `restore` puts the originals back into the
 * model's answer when a policy allows it. Values never leave the vault: it lives only as long as
 * the request and is never written to a trace.
 */
export interface Span {
  start: number;
  end: number;
  /** Placeholder label, e.g. "EMAIL"; "" deletes the span (invisible characters). */
  label: string;
  /** Whether `restore` may bring this value back (secrets never come back). */
  restorable: boolean;
}

const PLACEHOLDER_RE = /\[([A-Z][A-Z0-9_]{0,40})_(\d{1,6})\]/g;

export class PlaceholderVault {
  private readonly byValue = new Map<string, string>();
  private readonly byPlaceholder = new Map<string, { value: string; restorable: boolean }>();
  private readonly counters = new Map<string, number>();

  get size(): number {
    return this.byPlaceholder.size;
  }

  /** Replaces the spans (merged where they overlap) with placeholders. */
  redact(text: string, spans: readonly Span[]): string {
    if (spans.length === 0) return text;
    const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
    let out = "";
    let last = 0;
    for (const s of sorted) {
      if (s.start < last) continue; // overlapped by a span already replaced
      out += text.slice(last, s.start) + (s.label === "" ? "" : this.placeholderFor(text.slice(s.start, s.end), s.label, s.restorable));
      last = s.end;
    }
    return out + text.slice(last);
  }

  /** Puts restorable values back in place of their placeholders; unknown placeholders stay. */
  restore(text: string): string {
    if (this.byPlaceholder.size === 0 || !text.includes("[")) return text;
    return text.replace(PLACEHOLDER_RE, (p) => {
      const v = this.byPlaceholder.get(p);
      return v && v.restorable ? v.value : p;
    });
  }

  /**
   * The opposite of `restore`, for what Keel stores: every value this request redacted is put
   * back behind its placeholder wherever it occurs (a restored answer, a stream, a message the
   * input policy did not screen). Matches only at word edges, so "Al" does not eat "Also".
   */
  conceal(text: string): string {
    if (this.byValue.size === 0) return text;
    let out = text;
    for (const [key, placeholder] of this.byValue) {
      const value = key.slice(key.indexOf("\u0000") + 1);
      if (value.length > 0 && out.includes(value)) out = replaceAtEdges(out, value, placeholder);
    }
    return out;
  }

  private placeholderFor(value: string, label: string, restorable: boolean): string {
    const key = `${label}\u0000${value}`;
    const known = this.byValue.get(key);
    if (known) return known;
    const n = (this.counters.get(label) ?? 0) + 1;
    this.counters.set(label, n);
    const p = `[${label}_${n}]`;
    this.byValue.set(key, p);
    this.byPlaceholder.set(p, { value, restorable });
    return p;
  }
}

const WORD = /[\p{L}\p{N}_]/u;

function replaceAtEdges(text: string, value: string, placeholder: string): string {
  const edgeStart = WORD.test(value[0]);
  const edgeEnd = WORD.test(value[value.length - 1]);
  let out = "";
  let last = 0;
  for (let at = text.indexOf(value); at >= 0; at = text.indexOf(value, at + 1)) {
    if (at < last) continue;
    const end = at + value.length;
    if ((edgeStart && at > 0 && WORD.test(text[at - 1])) || (edgeEnd && end < text.length && WORD.test(text[end]))) continue;
    out += text.slice(last, at) + placeholder;
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

import type { GuardSource, ScanResult, Scanner } from "../types.js";
import type { BudgetNote } from "./scan-budget.js";

/** One scanner's result for one text, as the engine ran it (with its scan-budget note). */
export interface Memoized {
  readonly out: ScanResult;
  readonly note: BudgetNote;
}

/** Everything remembered for one text from one source in one scope: a result per scanner instance. */
export interface MemoSlot {
  readonly results: Map<Scanner, Memoized>;
}

type Live = MemoSlot & { chars: number; live: boolean };

/**
 * What the objects around a text cost the bound, in characters, so that the bound is close to the
 * heap held (1 byte per character of an ASCII key): measured at ~1.7 KB of heap per short text with
 * the default input policy's seven pure scanners (bench/README.md, "Remembered scan results").
 */
const SLOT_CHARS = 800;
/** A remembered result: its wrapper, ScanResult, findings array and budget note. */
const RESULT_CHARS = 160;
/** A finding: a few small fields. */
const FINDING_CHARS = 64;

/**
 * Results of pure scanners (`Scanner.pure`) remembered per text, so that a text screened once is
 * not screened again: the earlier turns a chat resends on every call, a RAG document fetched for
 * many questions, a retried call, an exact cache hit (decision 0038).
 *
 * Keyed by scope (the virtual key), source and the whole text — never by a hash, so two texts can
 * only share a slot when they are equal. The scope keeps one key's texts from another's: a
 * remembered result is faster, and across keys that speed would tell a caller that someone else
 * sent the same text. Bounded by characters held (keys, plus a fixed cost per slot and finding);
 * least recently used slots go first. Texts longer than `maxTextChars` are not remembered.
 * Results are frozen: a caller that tried to change a shared finding would throw, not corrupt
 * another request's verdict.
 */
export class ScanMemo {
  private readonly slots = new Map<string, Live>();
  private held = 0;
  hits = 0;
  misses = 0;

  constructor(readonly maxChars: number, readonly maxTextChars: number) {}

  get enabled(): boolean {
    return this.maxChars > 0;
  }

  /** Characters held now (the figure the bound applies to). */
  get chars(): number {
    return this.held;
  }

  get size(): number {
    return this.slots.size;
  }

  /** The slot for this text, made if absent and marked most recently used; null when the text is not remembered. */
  slot(scope: string, source: GuardSource, text: string): MemoSlot | null {
    if (this.maxChars === 0 || text.length > this.maxTextChars || text.length === 0) return null;
    const key = `${scope}\u0000${source}\u0000${text}`;
    const found = this.slots.get(key);
    if (found) {
      this.slots.delete(key);
      this.slots.set(key, found);
      return found;
    }
    const made: Live = { results: new Map<Scanner, Memoized>(), chars: key.length + SLOT_CHARS, live: true };
    this.slots.set(key, made);
    this.held += made.chars;
    this.evict();
    return made;
  }

  /** A scanner's remembered result in the slot, counted as a hit or a miss. */
  get(slot: MemoSlot, scanner: Scanner): Memoized | undefined {
    const m = slot.results.get(scanner);
    if (m) this.hits++;
    else this.misses++;
    return m;
  }

  /** Remembers a scanner's result in the slot (frozen, findings and all). */
  put(slot: MemoSlot, scanner: Scanner, out: ScanResult, note: BudgetNote): void {
    const s = slot as Live;
    for (const f of out.findings) Object.freeze(f);
    Object.freeze(out.findings);
    slot.results.set(scanner, Object.freeze({ out: Object.freeze(out), note: Object.freeze(note) }));
    const add = RESULT_CHARS + FINDING_CHARS * out.findings.length + (out.redacted?.length ?? 0);
    // A slot evicted while its text was being screened is no longer counted: do not count it now.
    if (s.live) {
      s.chars += add;
      this.held += add;
      this.evict();
    }
  }

  clear(): void {
    for (const s of this.slots.values()) s.live = false;
    this.slots.clear();
    this.held = 0;
  }

  private evict(): void {
    while (this.held > this.maxChars && this.slots.size > 0) {
      const [k, s] = this.slots.entries().next().value as [string, Live];
      this.slots.delete(k);
      s.live = false;
      this.held -= s.chars;
    }
  }
}

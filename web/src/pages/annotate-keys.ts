/** Rubric scales as the annotate API sends them, and the keys that pick their values (docs/dashboard.md, "Annotate"). */

export type Scale = { kind: "nominal"; labels: string[] } | { kind: "ordinal" | "interval"; min: number; max: number };
export interface Dimension { name: string; scale: Scale; pass?: string[] | number }

export interface Choice {
  value: string | number;
  /** The digit that picks it, or null when the scale has more values than digits. */
  digit: string | null;
  /** A nominal label's letter (its first, when no other label shares it and it is not a command key). */
  letter: string | null;
}

/** A range wider than this is a number box, not radios: 0–100 as 101 radios helps nobody. */
export const MAX_RADIOS = 10;
/** Keys that are commands on the work view, so never a label's letter: skip, next, previous. */
const COMMANDS = new Set(["s", "j", "k"]);

/** The radio choices of a scale, or null when it takes a number box. */
export function choices(s: Scale): Choice[] | null {
  if (s.kind !== "nominal") {
    if (s.max - s.min + 1 > MAX_RADIOS) return null;
    const values = Array.from({ length: s.max - s.min + 1 }, (_, i) => s.min + i);
    // A scale inside 0..9 is typed as its own values (press 4 for 4); any other by position.
    const own = s.min >= 0 && s.max <= 9;
    return values.map((v, i) => ({ value: v, digit: own ? String(v) : position(i), letter: null }));
  }
  const first = s.labels.map((l) => l.charAt(0).toLowerCase());
  return s.labels.map((l, i) => {
    const c = first[i];
    const unique = /^[a-z]$/.test(c) && !COMMANDS.has(c) && first.indexOf(c) === first.lastIndexOf(c);
    return { value: l, digit: position(i), letter: unique ? c : null };
  });
}

/** 1..9 for the first nine, 0 for the tenth. */
const position = (i: number): string | null => (i < 9 ? String(i + 1) : i === 9 ? "0" : null);

/** The choice a key picks, if any. */
export function choiceForKey(cs: readonly Choice[], key: string): Choice | undefined {
  const k = key.toLowerCase();
  return cs.find((c) => c.digit === k || c.letter === k);
}

/** The scale in words, for the dimension's legend. */
export function describeScale(d: Dimension): string {
  const s = d.scale;
  const pass = d.pass === undefined ? "" : Array.isArray(d.pass) ? `; passes: ${d.pass.join(", ")}` : `; passes at ${d.pass} or more`;
  return s.kind === "nominal" ? `nominal${pass}` : `${s.kind} ${s.min}–${s.max}${pass}`;
}

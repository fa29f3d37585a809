import { type CallAttributes, type CompiledRule, counterId } from "./rules.js";

/** The ids one call's attribute values give under one rule, built once and reused. */
export interface RuleIds {
  /** `rule|v1|v2`: the concurrency counter, and the stem of the others. */
  readonly base: string;
  readonly rpm: string;
  readonly tpm: string;
  /** Budget ids carry their period (`…|2026-11-29`); refreshed when the period changes. */
  dayPeriod: string;
  day: string;
  monthPeriod: string;
  month: string;
}

const MAX_ENTRIES = 100_000;

/**
 * Counter ids by rule and attribute values. Ids are strings concatenated from the call's values;
 * building them on every call would also make every map lookup hash a fresh string. Cached, the
 * same string instances come back, with their hashes already computed. Bounded: past MAX_ENTRIES
 * the cache starts over (ids are cheap to rebuild; only their reuse is saved).
 */
export class CounterIds {
  private readonly byRule = new Map<CompiledRule<unknown>, Map<string, unknown>>();
  private size = 0;

  /** null when the call lacks one of the rule's scope attributes. */
  get(rule: CompiledRule<unknown>, a: CallAttributes): RuleIds | null {
    let node = this.byRule.get(rule);
    if (node === undefined) this.byRule.set(rule, (node = new Map()));
    const scope = rule.scope;
    const last = scope.length - 1;
    for (let i = 0; i < last; i++) {
      const v = a[scope[i]];
      if (v === null) return null;
      let next = node.get(v) as Map<string, unknown> | undefined;
      if (next === undefined) node.set(v, (next = new Map()));
      node = next;
    }
    const v = a[scope[last]];
    if (v === null) return null;
    const hit = node.get(v) as RuleIds | undefined;
    if (hit !== undefined) return hit;
    if (++this.size > MAX_ENTRIES) {
      this.byRule.clear();
      this.size = 0;
    }
    const base = counterId(rule, a)!;
    const ids: RuleIds = { base, rpm: `${base}|rpm`, tpm: `${base}|tpm`, dayPeriod: "", day: "", monthPeriod: "", month: "" };
    node.set(v, ids);
    return ids;
  }
}

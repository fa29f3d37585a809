import type { SimRule } from "./options.js";

/**
 * Scripted answers: `rules` in the options map a regular expression over the last user message
 * to a fixed answer. Compiled once when the provider is created; the first match wins.
 */

export type RuleAnswer =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "json"; readonly text: string }
  | { readonly kind: "tool_call"; readonly name: string; readonly arguments: string };

export interface CompiledRule {
  readonly pattern: RegExp;
  readonly answer: RuleAnswer;
}

/** Patterns were checked by the options schema; JSON values are serialised here, not per call. */
export function compileRules(rules: readonly SimRule[]): CompiledRule[] {
  return rules.map((r) => ({ pattern: new RegExp(r.match, r.flags), answer: ruleAnswer(r) }));
}

function ruleAnswer(r: SimRule): RuleAnswer {
  if (r.text !== undefined) return { kind: "text", text: r.text };
  if (r.tool_call !== undefined) return { kind: "tool_call", name: r.tool_call.name, arguments: JSON.stringify(r.tool_call.arguments) };
  return { kind: "json", text: JSON.stringify(r.json) };
}

export function matchRule(rules: readonly CompiledRule[], lastUser: string): CompiledRule | null {
  for (const r of rules) if (r.pattern.test(lastUser)) return r;
  return null;
}

/**
 * Scanner stacks to evaluate, by name:
 * - "injection" (the default): this folder's own stacks — `defaultInputScanners()` for user input,
 *   `defaultRetrievedScanners()` for documents and tool results;
 * - any built-in policy of the policy engine (e.g. "default-input"): its scanners, built from the
 *   registry with their default options; entries whose action is "log" are left out, since they
 *   neither stop nor flag anything.
 */
import { BUILT_IN_POLICIES } from "../policy/default-policies.js";
import { NO_FACTS } from "../scanners/definition.js";
import { SCANNERS } from "../scanners/registry.js";
import { defaultInputScanners, defaultRetrievedScanners } from "../injection/index.js";
import type { GuardSource, Scanner } from "../types.js";

export const DEFAULT_EVAL_POLICY = "injection";

export function evalPolicyNames(): string[] {
  return [DEFAULT_EVAL_POLICY, ...Object.keys(BUILT_IN_POLICIES)];
}

export function scannersForPolicy(name: string, source: GuardSource): Scanner[] {
  if (name === DEFAULT_EVAL_POLICY) return source === "user" ? defaultInputScanners() : defaultRetrievedScanners();
  const policy = BUILT_IN_POLICIES[name];
  if (!policy) throw new Error(`unknown policy "${name}" (known: ${evalPolicyNames().join(", ")})`);
  const out: Scanner[] = [];
  for (const [scanner, entry] of Object.entries(policy.scanners)) {
    if (entry.action === "log") continue;
    const def = SCANNERS.get(scanner);
    if (!def) throw new Error(`policy "${name}" names unknown scanner "${scanner}"`);
    out.push(def.create(def.options.parse(entry.options ?? {}), NO_FACTS));
  }
  return out;
}

import { posix } from "node:path";
import type { ToolCall } from "../../api/chat-types.js";
import type { Verdict } from "../engine/verdict.js";
import { hostAllowed } from "../scanners/url-scanner.js";
import type { GuardAction } from "../types.js";
import { checkIntent, type IntentEvidence } from "./intent.js";
import { validateJson } from "../../json-schema/validate.js";
import type { ToolPolicy, ToolRules } from "./tool-policy.js";
import { operatorPattern } from "../regex-registry.js";

export interface ToolDenial {
  index: number;
  tool: string;
  /** Stable reason code: tool_not_allowed, invalid_arguments, schema_violation, domain_not_allowed, … */
  reason: string;
  action: GuardAction | "remove";
}

export interface ToolScreening {
  /** The calls the client may see. */
  kept: ToolCall[];
  denials: ToolDenial[];
  /** Block the whole answer. */
  block: boolean;
  verdicts: Verdict[];
}

// A URL's host or an e-mail's domain. Each run starts only where its characters start (the
// lookbehinds): unanchored, `[…]+@` rescanned a long token from every position (quadratic).
const DESTINATION = /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/([^/\s:?#]+)|(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})/gi;

const globCache = new Map<string, RegExp>();
function globToRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    const src = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*\*\/?/g, "\u0000").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]").replace(/\u0000/g, ".*");
    re = operatorPattern(`^${src}$`);
    globCache.set(glob, re);
  }
  return re;
}

const PATH_KEY = /path|file|dir|folder|directory/i;

function walk(v: unknown, visit: (key: string, value: unknown) => void, key = "", depth = 0): void {
  if (depth > 32) return;
  visit(key, v);
  if (Array.isArray(v)) for (const x of v) walk(x, visit, key, depth + 1);
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, visit, k, depth + 1);
}

/** Rule checks on parsed arguments, in order; the first failed rule is the reason. */
function ruleViolation(args: unknown, r: ToolRules): string | null {
  if (r.schema && validateJson(args, r.schema).length > 0) return "schema_violation";
  let reason: string | null = null;
  walk(args, (key, v) => {
    if (reason) return;
    if (typeof v === "number") {
      if (r.max && key in r.max && v > r.max[key]) reason = "above_limit";
      else if (r.min && key in r.min && v < r.min[key]) reason = "below_limit";
    }
    if (typeof v !== "string") return;
    if (r.deny_patterns?.some((p) => operatorPattern(p, "u").test(v))) reason = "denied_pattern";
    else if (r.domains) {
      for (const m of v.matchAll(DESTINATION)) {
        if (!hostAllowed(m[1] ?? m[2], r.domains)) reason = "domain_not_allowed";
      }
    }
    if (!reason && r.paths && (PATH_KEY.test(key) || /^(?:\/|~\/|\.\.?\/)/.test(v))) {
      // Normalise first, so "/srv/data/../../etc/passwd" is judged as "/etc/passwd".
      const p = posix.normalize(v);
      if (p.startsWith("../") || !r.paths.some((g) => globToRegExp(g).test(p))) reason = "path_not_allowed";
    }
  });
  return reason;
}

/**
 * Checks the model's proposed tool calls against the route's tool policy before the client sees
 * them: allowed names, parseable arguments, the request's own `parameters` schema, the policy's
 * schema and value rules (domains, paths, numeric limits), then intent consistency. Pure.
 */
export function screenToolCalls(
  calls: readonly ToolCall[], policy: ToolPolicy, declared: ReadonlyMap<string, Record<string, unknown> | undefined>, evidence: IntentEvidence,
): ToolScreening {
  const kept: ToolCall[] = [];
  const denials: ToolDenial[] = [];
  const verdicts: Verdict[] = [];
  let block = false;
  calls.forEach((call, index) => {
    const t0 = performance.now();
    const name = call.function.name;
    let reason: string | null = null;
    let args: unknown;
    if (policy.allowed && !policy.allowed.includes(name)) reason = "tool_not_allowed";
    else if (declared.size > 0 && !declared.has(name)) reason = "tool_not_declared";
    if (!reason) {
      try {
        args = JSON.parse(call.function.arguments || "{}");
      } catch {
        reason = "invalid_arguments";
      }
    }
    const params = declared.get(name);
    if (!reason && params && validateJson(args, params).length > 0) reason = "schema_violation";
    if (!reason) reason = ruleViolation(args, policy.all) ?? (policy.tools[name] ? ruleViolation(args, policy.tools[name]) : null);
    let action: GuardAction | "remove" = policy.on_violation === "flag" ? "flag" : policy.on_violation;
    let score = reason ? 1 : 0;
    const findings: Verdict["findings"] = reason ? [{ type: reason, score: 1 }] : [];
    if (!reason && policy.intent !== "off") {
      const intent = checkIntent(args, evidence);
      if (intent.length > 0) {
        reason = intent.some((f) => f.origin === "untrusted_only") ? "destination_from_untrusted_content" : "destination_not_requested";
        score = reason === "destination_from_untrusted_content" ? 0.95 : 0.7;
        for (const f of intent) findings.push({ type: `${f.kind}_${f.origin}`, score });
        action = policy.intent;
      }
    }
    const verdictAction: GuardAction = action === "remove" ? "block" : action;
    verdicts.push({ scanner: "tool_policy", source: "output", index, score, triggered: reason !== null, action: verdictAction, latencyMs: performance.now() - t0, findings });
    if (reason && (action === "remove" || action === "block")) {
      denials.push({ index, tool: name, reason, action });
      if (action === "block") block = true;
    } else kept.push(call);
  });
  return { kept, denials, block, verdicts };
}

import { createHmac, randomBytes } from "node:crypto";
import type { ToolPolicy } from "../actions/tool-policy.js";
import type { PolicyScanner } from "../engine/run-scanners.js";
import type { RedactionRule, RequestFacts, ScannerDefinition, ScannerDeps } from "../scanners/definition.js";
import { SCANNERS } from "../scanners/registry.js";
import type { Finding, Scanner } from "../types.js";
import type { GuardConfig, PolicyConfig } from "./config-schema.js";
import { BUILT_IN_POLICIES } from "./default-policies.js";
import { ScanMemo } from "../engine/scan-memo.js";

/** Canaries remembered per system prompt; only prompts up to 16 KB are keyed on (≤ 4 MB held). */
const CANARY_MEMO = 256;
const CANARY_MEMO_MAX_CHARS = 16_384;

/** A policy entry ready to run: shared instance, or a factory for request-bound scanners. */
export interface CompiledEntry {
  name: string;
  action: PolicyScanner["action"];
  threshold?: number;
  restore: boolean;
  shared: Scanner | null;
  make(facts: RequestFacts): Scanner;
  redaction?: (f: Finding) => RedactionRule;
}

export interface CompiledPolicy {
  name: string;
  stage: "input" | "output";
  entries: readonly CompiledEntry[];
  /** Whether any entry may restore vault values into answers. */
  restores: boolean;
}

export interface RequestIdentity {
  model: string;
  feature: string | null;
  keyId: string | null;
  keyName: string | null;
}

export interface ResolvedPolicies {
  input: CompiledPolicy | null;
  output: CompiledPolicy | null;
  tools: (ToolPolicy & { name: string }) | null;
}

function compileEntry(scanner: string, e: PolicyConfig["scanners"][string], deps: ScannerDeps): CompiledEntry {
  const def = SCANNERS.get(scanner) as ScannerDefinition<unknown>;
  const options = def.options.parse(e.options);
  const shared = def.perRequest ? null : def.create(options, undefined, deps);
  return {
    name: scanner, action: e.action, threshold: e.threshold, restore: e.restore, shared,
    make: (facts) => shared ?? def.create(options, facts, deps),
    redaction: def.redaction,
  };
}

export function compilePolicy(name: string, p: PolicyConfig, deps: ScannerDeps = {}): CompiledPolicy {
  const entries = Object.entries(p.scanners).map(([s, e]) => compileEntry(s, e, deps));
  return { name, stage: p.stage, entries, restores: entries.some((e) => e.restore && e.action === "redact") };
}

/**
 * The guard as configured: policies compiled once at start-up (options parsed, shared scanner
 * instances built), assignment rules, and the canary secret. Resolving a request's policies is a
 * scan of the assignment list; everything per-request lives in RequestGuard.
 */
export class GuardService {
  readonly config: GuardConfig;
  /** Results of pure scanners per text, key and source (decision 0038); dropped with the service. */
  readonly memo: ScanMemo;
  private readonly policies = new Map<string, CompiledPolicy>();
  private readonly canaryKey = randomBytes(16);

  /** `deps.models`: how model-based scanners reach a model; without it they report themselves unavailable. */
  constructor(config: GuardConfig, deps: ScannerDeps = {}) {
    this.config = config;
    this.memo = new ScanMemo(config.memo.max_chars, config.memo.max_text_chars);
    for (const [name, p] of Object.entries(BUILT_IN_POLICIES)) this.policies.set(name, compilePolicy(name, p));
    for (const [name, p] of Object.entries(config.policies)) this.policies.set(name, compilePolicy(name, p, deps));
  }

  policy(name: string): CompiledPolicy | undefined {
    return this.policies.get(name);
  }

  resolve(id: RequestIdentity): ResolvedPolicies {
    const g = this.config;
    const rule = g.assign.find((a) =>
      (a.model === undefined || (a.model.endsWith("*") ? id.model.startsWith(a.model.slice(0, -1)) : id.model === a.model)) &&
      (a.feature === undefined || a.feature === id.feature) &&
      (a.key === undefined || a.key === id.keyId || a.key === id.keyName));
    const input = rule?.input ?? g.defaults.input;
    const output = rule?.output ?? g.defaults.output;
    const tools = rule?.tools ?? g.defaults.tools;
    return {
      input: input ? this.policies.get(input) ?? null : null,
      output: output ? this.policies.get(output) ?? null : null,
      tools: tools && g.tool_policies[tools] ? { ...g.tool_policies[tools], name: tools } : null,
    };
  }

  /**
   * A canary for a system prompt: stable for the same prompt within this process (so provider
   * prefix caches keep working), unguessable from outside.
   */
  canaryFor(systemPrompt: string): string {
    // Most traffic repeats a handful of system prompts: remember the last few hundred canaries
    // instead of an HMAC per call (cleared wholesale when full — cheap, and bounded).
    let c = this.canaries.get(systemPrompt);
    if (c === undefined) {
      c = `keel-canary-${createHmac("sha256", this.canaryKey).update(systemPrompt).digest("hex").slice(0, 16)}`;
      if (systemPrompt.length <= CANARY_MEMO_MAX_CHARS) {
        if (this.canaries.size >= CANARY_MEMO) this.canaries.clear();
        this.canaries.set(systemPrompt, c);
      }
    }
    return c;
  }

  private readonly canaries = new Map<string, string>();
}

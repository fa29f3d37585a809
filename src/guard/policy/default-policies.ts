import type { PolicyConfig } from "./config-schema.js";

const entry = (action: "block" | "redact" | "flag" | "log", options: Record<string, unknown> = {}, restore = false) => ({ action, options, restore, threshold: undefined });

/**
 * The built-in policies every request gets unless keel.yaml assigns others (docs/guardrails.md
 * gives the reasoning and the measured false-positive rate of this stack):
 * only high-precision detectors block. PII on input is logged on the trace, not flagged: the name
 * detector's precision (~0.77) would flag ~15% of ordinary prompts, and masking names changes
 * answers — redacting or flagging PII is the operator's call, one line in a policy.
 */
export const DEFAULT_INPUT_POLICY: PolicyConfig = {
  stage: "input",
  scanners: {
    prompt_injection: entry("block"),
    indirect_injection: entry("block"),
    multi_turn: entry("block"),
    secrets: entry("redact"),
    invisible_text: entry("redact"),
    pii: entry("log"),
    size_limit: entry("block"),
  },
};

export const DEFAULT_OUTPUT_POLICY: PolicyConfig = {
  stage: "output",
  scanners: {
    secrets: entry("redact"),
    system_prompt_leak: entry("block"),
    invisible_text: entry("redact"),
    toxicity: entry("flag"),
    json_schema: entry("flag"),
    pii: entry("log"),
  },
};

export const BUILT_IN_POLICIES: Readonly<Record<string, PolicyConfig>> = {
  "default-input": DEFAULT_INPUT_POLICY,
  "default-output": DEFAULT_OUTPUT_POLICY,
};

import { countTextTokens } from "../../tokens/count.js";
import type { Finding, ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";
import { sizeLimitOptions, type SizeLimitOptions } from "./size-limit-options.js";

/** Size and token limits per screened text (a long document, a huge tool result, a prompt-stuffing attempt). */
export const sizeLimitScanner: ScannerDefinition<SizeLimitOptions> = {
  name: "size_limit",
  options: sizeLimitOptions,
  create(o) {
    return {
      name: "size_limit",
      cost: "fast",
      pure: true,
      large: "whole",
      sources: ["user", "document", "tool_result", "output"],
      scan(input: ScanInput) {
        const findings: Finding[] = [];
        const n = input.text.length;
        if (n > o.max_chars) findings.push({ type: "too_many_characters", score: 1 });
        // A token is at least one character: a text of ≤ max_tokens characters cannot exceed it, so skip counting.
        else if (o.max_tokens !== undefined && n > o.max_tokens && countTextTokens(input.text) > o.max_tokens) findings.push({ type: "too_many_tokens", score: 1 });
        return result("size_limit", findings, 0.5);
      },
    };
  },
};

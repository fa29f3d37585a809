import { z } from "zod";
import { countTextTokens } from "../../tokens/count.js";
import type { Finding, ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";

export const sizeLimitOptions = z.strictObject({
  max_chars: z.int().min(1).max(100_000_000).default(400_000),
  /** o200k tokens; counted only when the text is short enough in characters to be under it at all. */
  max_tokens: z.int().min(1).max(10_000_000).optional(),
});
export type SizeLimitOptions = z.output<typeof sizeLimitOptions>;

/** Size and token limits per screened text (a long document, a huge tool result, a prompt-stuffing attempt). */
export const sizeLimitScanner: ScannerDefinition<SizeLimitOptions> = {
  name: "size_limit",
  options: sizeLimitOptions,
  create(o) {
    return {
      name: "size_limit",
      cost: "fast",
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

import { z } from "zod";
import { validateJson } from "../../json-schema/validate.js";
import type { Finding, ScanInput } from "../types.js";
import { NO_FACTS, type ScannerDefinition } from "./definition.js";
import { jsonSchemaOptions } from "./json-schema-options.js";

/**
 * Structured output: when the request asked for `json_object` or `json_schema`, the answer must
 * parse, and validate against the schema. Judged on the whole answer: on a stream the verdict is
 * known only at the end, after the content has been sent, so a `block` there ends the stream
 * with an error event instead of `[DONE]` (docs/guardrails.md).
 */
export const jsonSchemaScanner: ScannerDefinition<z.output<typeof jsonSchemaOptions>> = {
  name: "json_schema",
  options: jsonSchemaOptions,
  perRequest: true,
  create(_o, facts = NO_FACTS) {
    return {
      name: "json_schema",
      cost: "fast",
      large: "whole",
      sources: ["output"],
      scan(input: ScanInput) {
        const findings: Finding[] = [];
        if (facts.wantsJson) {
          let value: unknown;
          try {
            value = JSON.parse(input.text);
          } catch {
            findings.push({ type: "invalid_json", score: 1 });
          }
          if (findings.length === 0 && facts.jsonSchema) {
            const errors = validateJson(value, facts.jsonSchema);
            if (errors.length > 0) findings.push({ type: "schema_violation", score: 0.9 });
          }
        }
        const score = findings.reduce((m, f) => Math.max(m, f.score), 0);
        return { scanner: "json_schema", score, triggered: score > 0, findings };
      },
    };
  },
};

import type { z } from "zod";
import { citationsOptions } from "./citations-options.js";
import { injectionOptions } from "./injection-options.js";
import { invisibleOptions } from "./invisible-text-options.js";
import { jsonSchemaOptions } from "./json-schema-options.js";
import { keywordOptions } from "./keyword-options.js";
import { modelClassifierOptions } from "./model-classifier-options.js";
import { piiOptions } from "./pii-options.js";
import { promptLeakOptions } from "./prompt-leak-options.js";
import { secretOptions } from "./secret-options.js";
import { sizeLimitOptions } from "./size-limit-options.js";
import { toxicityOptions } from "./toxicity-options.js";
import { urlOptions } from "./url-options.js";

/**
 * Every scanner name a policy may use → its options schema, without the scanners' code: what
 * config/ validates `guard.policies` with. `registry.ts` maps the same names to the scanners;
 * the scanner contract test fails when the two disagree.
 */
export const SCANNER_OPTIONS: ReadonlyMap<string, z.ZodType> = new Map<string, z.ZodType>([
  ["prompt_injection", injectionOptions],
  ["indirect_injection", injectionOptions],
  ["multi_turn", injectionOptions],
  ["pii", piiOptions],
  ["secrets", secretOptions],
  ["invisible_text", invisibleOptions],
  ["size_limit", sizeLimitOptions],
  ["banned_topics", keywordOptions],
  ["toxicity", toxicityOptions],
  ["system_prompt_leak", promptLeakOptions],
  ["json_schema", jsonSchemaOptions],
  ["url_allowlist", urlOptions],
  ["model_classifier", modelClassifierOptions],
  ["citations", citationsOptions],
]);

export const SCANNER_NAMES: readonly string[] = [...SCANNER_OPTIONS.keys()];

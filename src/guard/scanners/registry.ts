import { citationsScanner } from "./citations-scanner.js";
import type { ScannerDefinition } from "./definition.js";
import { indirectInjectionScanner, multiTurnScanner, promptInjectionScanner } from "./injection-adapter.js";
import { invisibleTextScanner } from "./invisible-text-scanner.js";
import { jsonSchemaScanner } from "./json-schema-scanner.js";
import { keywordScanner } from "./keyword-scanner.js";
import { modelClassifierScanner } from "./model-classifier-scanner.js";
import { piiScanner } from "./pii-scanner.js";
import { promptLeakScanner } from "./prompt-leak-scanner.js";
import { secretScanner } from "./secret-scanner.js";
import { sizeLimitScanner } from "./size-limit-scanner.js";
import { toxicityScanner } from "./toxicity-scanner.js";
import { urlScanner } from "./url-scanner.js";

/** Every scanner kind a policy may name, by name. Adding a scanner is one line here plus its file. */
export const SCANNERS: ReadonlyMap<string, ScannerDefinition<any>> = new Map(
  [
    promptInjectionScanner,
    indirectInjectionScanner,
    multiTurnScanner,
    piiScanner,
    secretScanner,
    invisibleTextScanner,
    sizeLimitScanner,
    keywordScanner,
    toxicityScanner,
    promptLeakScanner,
    jsonSchemaScanner,
    urlScanner,
    modelClassifierScanner,
    citationsScanner,
  ].map((d) => [d.name, d as ScannerDefinition<any>]),
);

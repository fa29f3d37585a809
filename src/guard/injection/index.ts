/**
 * Prompt-injection and jailbreak scanners. The policy engine takes `defaultInputScanners()` for
 * the default input policy and `defaultRetrievedScanners()` for documents and tool results.
 */
import type { Scanner } from "../types.js";
import { createIndirectInjectionScanner } from "./indirect-scanner.js";
import { createInjectionScanner } from "./injection-scanner.js";
import { createInvisibleTextScanner } from "./invisible-text-scanner.js";
import { createMultiTurnScanner } from "./multi-turn-scanner.js";

export { createIndirectInjectionScanner, indirectInjectionScanner, judgeIndirect, INDIRECT_THRESHOLDS } from "./indirect-scanner.js";
export { createInjectionScanner, injectionScanner, judgeInjection } from "./injection-scanner.js";
export { createInvisibleTextScanner, invisibleTextScanner } from "./invisible-text-scanner.js";
export { createMultiTurnScanner, multiTurnScanner } from "./multi-turn-scanner.js";
export { loadModel, shippedModel, type InjectionModel } from "./classifier.js";

/** User input: injection/jailbreak, invisible text, and the conversation window. Fresh instances. */
export function defaultInputScanners(): Scanner[] {
  return [createInjectionScanner(), createInvisibleTextScanner({ sources: ["user"] }), createMultiTurnScanner()];
}

/** Retrieved documents and tool results: indirect injection and invisible text. */
export function defaultRetrievedScanners(): Scanner[] {
  return [createIndirectInjectionScanner(), createInvisibleTextScanner({ sources: ["document", "tool_result"] })];
}

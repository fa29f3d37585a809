import { createIndirectInjectionScanner, createInjectionScanner, createMultiTurnScanner } from "../injection/index.js";
import type { ScannerDefinition } from "./definition.js";
import { injectionOptions, type InjectionOptions } from "./injection-options.js";

/**
 * The prompt-injection detector (src/guard/injection/, docs/guardrails-injection.md) as the
 * policy engine registers it: the user-input detector, the retrieved-content (indirect) detector
 * and the conversation-window (multi-turn) detector, each with its own optional threshold.
 */
const withThreshold = (o: InjectionOptions): { threshold?: number } => (o.threshold === undefined ? {} : { threshold: o.threshold });

export const promptInjectionScanner: ScannerDefinition<InjectionOptions> = {
  name: "prompt_injection",
  options: injectionOptions,
  create: (o) => createInjectionScanner({ name: "prompt_injection", sources: ["user"], ...withThreshold(o) }),
};

export const indirectInjectionScanner: ScannerDefinition<InjectionOptions> = {
  name: "indirect_injection",
  options: injectionOptions,
  create: (o) => createIndirectInjectionScanner({ name: "indirect_injection", ...withThreshold(o) }),
};

export const multiTurnScanner: ScannerDefinition<InjectionOptions> = {
  name: "multi_turn",
  options: injectionOptions,
  create: (o) => createMultiTurnScanner(withThreshold(o)),
};

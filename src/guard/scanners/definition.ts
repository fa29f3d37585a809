import type { z } from "zod";
import type { GuardModelClient } from "../model-client.js";
import type { ChatMessage } from "../../api/chat-types.js";
import type { Finding, Scanner } from "../types.js";

/** How a redacting policy replaces a finding: its placeholder label ("" deletes) and whether it may come back. */
export interface RedactionRule {
  label: string;
  restorable: boolean;
}

/**
 * A scanner kind as the registry knows it: its options schema (parsed once, at config load) and
 * a factory. Request-bound scanners (system-prompt leakage, JSON-schema validity) get the facts of
 * the request they screen; the others are built once per policy and shared.
 */
export interface ScannerDefinition<O = unknown> {
  readonly name: string;
  readonly options: z.ZodType<O>;
  /** Facts the scanner needs from the request; when set, an instance is built per request. */
  readonly perRequest?: boolean;
  create(options: O, request?: RequestFacts, deps?: ScannerDeps): Scanner;
  /** For scanners whose findings carry spans that `redact` may replace. */
  redaction?(finding: Finding): RedactionRule;
}

/** Services a scanner may use, passed in once by the GuardService (model-based scanners call models). */
export interface ScannerDeps {
  /** Keel's models, routing and providers, for model-based detectors; absent offline (`keel guard scan`). */
  models?: GuardModelClient;
  /** The citation check the `citations` scanner runs; absent offline (`keel guard scan`), where the scanner is unavailable. */
  citations?: CitationChecker;
}

/**
 * The citation check, passed in (knowledge/citations/guard-check.ts builds it): the guard knows
 * neither the knowledge store nor the claim check, only this shape.
 */
export interface CitationChecker {
  /** One request's check: what it may cite is read once, from its messages and its trace's retrievals. */
  forRequest(request: { messages: readonly ChatMessage[]; traceId: string | null }): (answer: string, supportThreshold: number) => readonly CitationFinding[];
}

export interface CitationFinding {
  verdict: "supported" | "unsupported" | "fabricated";
  /** The marker's span in the answer. */
  start: number;
  end: number;
}

/** What request-bound scanners may know about the request. */
export interface RequestFacts {
  /** System and developer messages as served, joined. */
  systemPrompt: string;
  /** The canary token Keel planted in the system prompt, if any. */
  canary: string | null;
  /** `response_format.json_schema.schema`, when the client asked for structured output. */
  jsonSchema: Record<string, unknown> | null;
  /** Whether the client asked for JSON at all (json_object or json_schema). */
  wantsJson: boolean;
  /** The request's messages as sent, for citation checks (what the request carried may be cited). */
  messages?: readonly ChatMessage[];
  /** The call's W3C trace id, whose retrieval spans the citations scanner reads. */
  traceId?: string | null;
}

export const NO_FACTS: RequestFacts = { systemPrompt: "", canary: null, jsonSchema: null, wantsJson: false };

export function result(name: string, findings: Finding[], threshold: number, redacted?: string): import("../types.js").ScanResult {
  let score = 0;
  for (const f of findings) if (f.score > score) score = f.score;
  return { scanner: name, score, triggered: score >= threshold && findings.length > 0, findings, ...(redacted === undefined ? {} : { redacted }) };
}

import type { ChatCompletion, ChatRequest, FunctionTool } from "../../api/chat-types.js";

/** Anything that answers a chat request: a Keel provider, an OpenAI client wrapper, a test double. */
export interface ChatModel {
  chat(req: ChatRequest): Promise<ChatCompletion>;
}

/** A tool the privileged model may call; `run` gets arguments with variables already substituted. */
export interface DualLlmTool {
  definition: FunctionTool;
  run(args: Record<string, unknown>): Promise<unknown> | unknown;
  /** Tool results are untrusted by default and become variables; a tool whose output is trusted (a clock) may say so. */
  trustedOutput?: boolean;
}

export interface DualLlmOptions {
  privileged: { model: ChatModel; name: string; system?: string };
  quarantined: { model: ChatModel; name: string; system?: string };
  tools: Record<string, DualLlmTool>;
  /** Upper bound on privileged-model turns. */
  maxSteps?: number;
}

/** One event of a run, for audit and tests: what each model saw and did, by variable name only. */
export type DualLlmEvent =
  | { kind: "privileged_call"; messages: number }
  | { kind: "tool_call"; tool: string; variables: string[] }
  | { kind: "quarantined_call"; input: string; output: string }
  | { kind: "refused"; reason: string };

export interface DualLlmResult {
  /** The final answer with variables substituted. */
  output: string;
  /** The final answer as the privileged model wrote it (variable names, no untrusted text). */
  template: string;
  variables: ReadonlyMap<string, string>;
  events: DualLlmEvent[];
}

import type { DatasetItem } from "../datasets/item-schema.js";
import type { ToolCallValue } from "../evaluators/types.js";

/** What a target answered for one item, as stored with the result (and in the output cache). */
export interface TargetOutput {
  readonly text: string;
  readonly tool_calls: readonly ToolCallValue[];
  readonly latency_ms: number;
  readonly cost_usd: number;
  /** The gateway's x-request-id — the production trace of this call. */
  readonly request_id: string | null;
  readonly model: string | null;
  /** Retrieved context the target reports (HTTP targets with an `output.context` path). */
  readonly context?: readonly string[];
  /** An agent trajectory the target reports, in the dataset's step format. */
  readonly steps?: readonly { content?: string; tool_call?: ToolCallValue; observation?: string }[];
}

/** One call ready to send: the exact payload (what the cache key covers) and the input as text. */
export interface PreparedCall {
  readonly payload: unknown;
  readonly inputText: string;
}

/**
 * What a suite evaluates: a model or prompt through Keel's gateway, or the team's own HTTP
 * endpoint. `prepare` is pure (templating only), so cache keys can be computed without a call.
 */
export interface Target {
  /** Identifies the configuration; part of every cache key. */
  readonly fingerprint: string;
  readonly description: string;
  prepare(item: DatasetItem): PreparedCall;
  send(call: PreparedCall, signal?: AbortSignal): Promise<TargetOutput>;
}

/** Template variables for an item: its variables, `input` as text, `context` (chunks joined). Never `expected`. */
export function itemVariables(item: DatasetItem): Record<string, unknown> {
  return { ...(item.variables ?? {}), input: inputText(item), ...(item.context ? { context: item.context } : {}) };
}

/** The item's input as text: the string, or the last user message of a conversation, or its variables as JSON. */
export function inputText(item: DatasetItem): string {
  if (typeof item.input === "string") return item.input;
  if (Array.isArray(item.input)) {
    const last = [...item.input].reverse().find((m) => m.role === "user");
    const c = last?.content;
    if (typeof c === "string") return c;
    if (Array.isArray(c)) return c.map((p) => (p && typeof p === "object" && (p as { type?: unknown }).type === "text" ? String((p as { text?: unknown }).text ?? "") : "")).join("");
    return "";
  }
  return JSON.stringify(item.variables ?? {});
}

import { createHash } from "node:crypto";
import type { ChatRequest } from "../../../api/chat-types.js";
import type { EvaluatorDeps } from "../spec.js";
import type { ChatClient } from "./chat-client.js";

export interface JudgeConfig {
  model: string;
  temperature: number;
  max_tokens?: number;
  max_attempts: number;
  json_mode: boolean;
}

export const JUDGE_SYSTEM = "You are a careful, impartial evaluator of AI assistant answers. Follow the instructions exactly and reply with JSON only.";

export function judgeRequest(o: JudgeConfig, prompt: string): ChatRequest {
  return {
    model: o.model,
    temperature: o.temperature,
    ...(o.max_tokens ? { max_tokens: o.max_tokens } : {}),
    ...(o.json_mode ? { response_format: { type: "json_object" as const } } : {}),
    messages: [
      { role: "system", content: JUDGE_SYSTEM },
      { role: "user", content: prompt },
    ],
  };
}

export function requireJudge(kind: string, deps: EvaluatorDeps): ChatClient {
  if (!deps.judge) throw new Error(`${kind} needs a judge client (a gateway URL and virtual key)`);
  return deps.judge;
}

/** Identifies a judge: the same fingerprint means the same model asked the same way. */
export function judgeFingerprint(kind: string, defining: Record<string, unknown>): string {
  return createHash("sha256").update(JSON.stringify([kind, defining])).digest("hex").slice(0, 16);
}

/** A labelled block of the prompt; the label on its own line makes rules and humans find it. */
export function section(label: string, body: string): string {
  return `[${label}]\n${body}\n[/${label}]`;
}

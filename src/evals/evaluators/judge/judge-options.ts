import { createHash } from "node:crypto";
import { z } from "zod";
import type { ChatRequest } from "../../../api/chat-types.js";
import type { EvaluatorDeps } from "../spec.js";
import type { ChatClient } from "./chat-client.js";

/** Options every judge kind shares. */
export const judgeOptions = {
  /** The gateway model (or alias, or route) that judges. */
  model: z.string().min(1).max(256),
  temperature: z.number().min(0).max(2).default(0),
  max_tokens: z.int().min(16).max(32_000).optional(),
  /** Calls per verdict, the first included: malformed replies are retried up to this bound. */
  max_attempts: z.int().min(1).max(5).default(3),
  /** Ask for `response_format: json_object` (off by default: not every provider accepts it). */
  json_mode: z.boolean().default(false),
};

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

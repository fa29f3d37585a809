import type { z } from "zod";
import type { ChatMessage, ChatRequest } from "../../../api/chat-types.js";
import type { ChatClient } from "./chat-client.js";

/**
 * The JSON object in a judge's reply: the whole reply, a ```json fenced block, or the first
 * balanced {...} in prose ("Here is my verdict: {...}"). Undefined when there is none.
 */
export function extractJsonObject(text: string): unknown {
  const t = text.trim();
  const fenced = t.match(/```(?:json)?\s*\n?([\s\S]*?)```/i);
  for (const candidate of [t, fenced?.[1]?.trim()]) {
    if (!candidate) continue;
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next form
    }
  }
  const start = t.indexOf("{");
  if (start < 0) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < t.length; i++) {
    const ch = t[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === "{") depth++;
    else if (ch === "}" && --depth === 0) {
      try {
        return JSON.parse(t.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export type JudgeOutcome<T> =
  | { readonly ok: true; readonly verdict: T; readonly costUsd: number; readonly attempts: number; readonly raw: string; readonly model?: string; readonly systemFingerprint?: string }
  | { readonly ok: false; readonly error: string; readonly costUsd: number; readonly attempts: number };

/**
 * Asks the judge and parses its verdict against `schema`. A malformed reply is answered with the
 * parse error and a request to reply again — at most `maxAttempts` calls in all, so a judge that
 * never complies costs a bounded amount. Transport failures end the attempt at once (the client
 * already retried them). Rejects only when `signal` aborts.
 */
export async function askJudge<T>(
  client: ChatClient, req: ChatRequest, schema: z.ZodType<T>, o: { maxAttempts: number; replyShape: string; signal?: AbortSignal },
): Promise<JudgeOutcome<T>> {
  const messages: ChatMessage[] = [...req.messages];
  let cost = 0;
  let lastError = "no attempt made";
  for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
    let text: string;
    let served: { model?: string; systemFingerprint?: string };
    try {
      const r = await client.complete({ ...req, messages }, o.signal);
      cost += r.costUsd;
      text = r.completion.choices[0]?.message.content ?? "";
      const fp = (r.completion as { system_fingerprint?: unknown }).system_fingerprint;
      served = { ...(typeof r.completion.model === "string" ? { model: r.completion.model } : {}), ...(typeof fp === "string" ? { systemFingerprint: fp } : {}) };
    } catch (err) {
      if (o.signal?.aborted) throw o.signal.reason;
      return { ok: false, error: `judge call failed: ${(err as Error).message}`, costUsd: cost, attempts: attempt };
    }
    const json = extractJsonObject(text);
    const parsed = json === undefined ? null : schema.safeParse(json);
    if (parsed?.success) return { ok: true, verdict: parsed.data, costUsd: cost, attempts: attempt, raw: text, ...served };
    lastError = json === undefined ? "the reply contains no JSON object" : `the JSON does not fit: ${describeIssue(parsed!.error)}`;
    messages.push({ role: "assistant", content: text }, { role: "user", content: `Your reply could not be used: ${lastError}. Reply again with only the JSON object ${o.replyShape}.` });
  }
  return { ok: false, error: `no valid verdict after ${o.maxAttempts} attempts: ${lastError}`, costUsd: cost, attempts: o.maxAttempts };
}

function describeIssue(e: z.ZodError): string {
  const i = e.issues[0];
  return `${i.path.length ? `${i.path.join(".")}: ` : ""}${i.message}`;
}

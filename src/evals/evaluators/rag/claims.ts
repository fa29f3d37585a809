import { z } from "zod";
import type { JudgeConfig } from "../judge/judge-options.js";
import { judgeRequest, section } from "../judge/judge-options.js";
import type { ChatClient } from "../judge/chat-client.js";
import { askJudge } from "../judge/verdict.js";
import { contentTokens, splitSentences } from "../text.js";
import { lexicalSupport } from "./metrics.js";

/** Claims of a text for the lexical method: its sentences that carry at least one content word. */
export function sentenceClaims(text: string): string[] {
  return splitSentences(text).filter((s) => contentTokens(s).length > 0);
}

export interface ClaimCheck {
  readonly claims: { readonly claim: string; readonly supported: boolean; readonly support?: number }[];
  readonly costUsd: number;
}

export type ClaimCheckOutcome = ({ ok: true } & ClaimCheck) | { ok: false; error: string; costUsd: number };

export function lexicalClaimCheck(text: string, context: readonly string[], threshold: number): ClaimCheckOutcome {
  const claims = sentenceClaims(text).map((claim) => {
    const support = lexicalSupport(claim, context);
    return { claim, supported: support >= threshold, support };
  });
  return { ok: true, claims, costUsd: 0 };
}

const extracted = z.object({ claims: z.array(z.object({ claim: z.string(), supported: z.boolean() })).max(200) });

/** The judge splits the answer into atomic claims and marks each supported by the context or not. */
export async function judgeClaimCheck(client: ChatClient, cfg: JudgeConfig, answer: string, context: readonly string[], signal?: AbortSignal): Promise<ClaimCheckOutcome> {
  const replyShape = '{"claims": [{"claim": "<one atomic factual claim>", "supported": true | false}]}';
  const prompt = [
    "Split the answer into atomic factual claims. For each, say whether the context supports it (it can be inferred from the context alone). " +
      "Greetings, questions and hedges are not claims. An answer with no factual claim gives an empty list.",
    section("CONTEXT", formatContext(context)),
    section("ANSWER", answer),
    `Reply with only a JSON object: ${replyShape}`,
  ].join("\n\n");
  const r = await askJudge(client, judgeRequest(cfg, prompt), extracted, { maxAttempts: cfg.max_attempts, replyShape, signal });
  return r.ok ? { ok: true, claims: r.verdict.claims, costUsd: r.costUsd } : { ok: false, error: r.error, costUsd: r.costUsd };
}

/** The judge marks given statements (reference sentences) as supported by the context or not. */
export async function judgeStatementCheck(client: ChatClient, cfg: JudgeConfig, statements: readonly string[], context: readonly string[], signal?: AbortSignal): Promise<ClaimCheckOutcome> {
  const replyShape = `{"supported": [true | false, …]} with exactly ${statements.length} entries, in order`;
  const schema = z.object({ supported: z.array(z.boolean()).length(statements.length) });
  const prompt = [
    "For each numbered statement, say whether the context supports it (it can be inferred from the context alone).",
    section("CONTEXT", formatContext(context)),
    section("STATEMENTS", statements.map((s, i) => `${i + 1}. ${s}`).join("\n")),
    `Reply with only a JSON object: ${replyShape}`,
  ].join("\n\n");
  const r = await askJudge(client, judgeRequest(cfg, prompt), schema, { maxAttempts: cfg.max_attempts, replyShape, signal });
  if (!r.ok) return { ok: false, error: r.error, costUsd: r.costUsd };
  return { ok: true, claims: statements.map((claim, i) => ({ claim, supported: r.verdict.supported[i] })), costUsd: r.costUsd };
}

/** The judge labels each retrieved chunk as relevant to the question (and reference) or not. */
export async function judgeChunkRelevance(client: ChatClient, cfg: JudgeConfig, question: string, reference: string | undefined, context: readonly string[], signal?: AbortSignal): Promise<{ ok: true; relevant: boolean[]; costUsd: number } | { ok: false; error: string; costUsd: number }> {
  const replyShape = `{"relevant": [true | false, …]} with exactly ${context.length} entries, in order`;
  const schema = z.object({ relevant: z.array(z.boolean()).length(context.length) });
  const prompt = [
    "For each numbered context chunk, say whether it is useful for answering the question" + (reference ? " as the reference answer does." : "."),
    section("QUESTION", question),
    reference ? section("REFERENCE", reference) : "",
    section("CONTEXT", formatContext(context)),
    `Reply with only a JSON object: ${replyShape}`,
  ].filter(Boolean).join("\n\n");
  const r = await askJudge(client, judgeRequest(cfg, prompt), schema, { maxAttempts: cfg.max_attempts, replyShape, signal });
  return r.ok ? { ok: true, relevant: r.verdict.relevant, costUsd: r.costUsd } : { ok: false, error: r.error, costUsd: r.costUsd };
}

export function formatContext(context: readonly string[]): string {
  return context.length === 0 ? "(no context was retrieved)" : context.map((c, i) => `${i + 1}. ${c}`).join("\n");
}

import { textSimilarity } from "../embedding-similarity.js";
import { judgeFingerprint, type JudgeConfig, requireJudge } from "../judge/judge-options.js";
import type { ChatClient } from "../judge/chat-client.js";
import { defineEvaluator, type EvaluatorDeps } from "../spec.js";
import { expectedText } from "../text.js";
import { type EvalResult, failed, notDefined, scored } from "../types.js";
import { judgeChunkRelevance, judgeClaimCheck, judgeStatementCheck, lexicalClaimCheck, sentenceClaims } from "./claims.js";
import { averagePrecision, labelsFromReference, type Ratio, setRecall, supportedShare } from "./metrics.js";
import { faithfulnessKind, answerRelevanceKind, contextPrecisionKind, contextRecallKind } from "./rag-schema.js";

function judgeFor(o: Omit<JudgeConfig, "model"> & { method: string; model?: string }, kind: string, deps: EvaluatorDeps): { client: ChatClient; cfg: JudgeConfig } | null {
  if (o.method !== "judge") return null;
  return { client: requireJudge(kind, deps), cfg: { ...o, model: o.model! } };
}

function fromRatio(r: Ratio, threshold: number, explanation: string, extra: { cost_usd?: number; details?: Record<string, unknown> } = {}): EvalResult {
  if (r.value === null) {
    const why: Record<typeof r.why, string> = {
      no_claims: "there are no claims to check",
      empty_context: "the retrieval returned no chunks",
      no_relevant_context: "no retrieved chunk is relevant: average precision is 0/0",
      no_reference: "there is no ground truth to recall",
    };
    return notDefined(r.why, why[r.why], extra.cost_usd);
  }
  return scored(r.value, threshold, explanation, extra);
}

/** Faithfulness = |claims of the answer supported by the context| / |claims of the answer|. */
export const faithfulnessSpec = defineEvaluator({
  ...faithfulnessKind,
  create(o, deps) {
    const judge = judgeFor(o, "faithfulness", deps);
    const threshold = o.threshold ?? 0.8;
    return {
      name: o.name ?? "faithfulness", kind: "faithfulness", family: "rag", threshold,
      fingerprint: judge ? judgeFingerprint("faithfulness", { model: o.model }) : undefined,
      async evaluate(c, signal) {
        if (c.context === undefined) return notDefined("no_context", "the item has no retrieved context");
        if (c.output.trim() === "") return notDefined("no_claims", "the output is empty: it makes no claims");
        const check = judge ? await judgeClaimCheck(judge.client, judge.cfg, c.output, c.context, signal) : lexicalClaimCheck(c.output, c.context, o.support_threshold);
        if (!check.ok) return failed(check.error, check.costUsd);
        const supported = check.claims.map((x) => x.supported);
        const unsupported = check.claims.filter((x) => !x.supported).map((x) => x.claim);
        return fromRatio(supportedShare(supported), threshold,
          `${supported.filter(Boolean).length} of ${supported.length} claims supported${unsupported.length ? `; unsupported: ${JSON.stringify(unsupported[0]).slice(0, 200)}` : ""}`,
          { cost_usd: check.costUsd, details: { claims: check.claims } });
      },
    };
  },
});

/** Answer relevance = max(0, cos(e(input), e(output))) with the offline embedder. */
export const answerRelevanceSpec = defineEvaluator({
  ...answerRelevanceKind,
  create(o, deps) {
    const embedder = deps.embedder;
    if (!embedder) throw new Error("answer_relevance needs an embedder");
    const threshold = o.threshold ?? 0.5;
    return {
      name: o.name ?? "answer_relevance", kind: "answer_relevance", family: "rag", threshold,
      async evaluate(c, signal) {
        if (c.input.trim() === "") return notDefined("not_applicable", "the item has no input text to be relevant to");
        if (c.output.trim() === "") return scored(0, threshold, "the output is empty");
        const sim = await textSimilarity(embedder, c.input, c.output, signal);
        return scored(sim, threshold, `cosine similarity of input and output ${sim.toFixed(3)}`);
      },
    };
  },
});

/** Context precision = average precision of the relevance labels over retrieval ranks. */
export const contextPrecisionSpec = defineEvaluator({
  ...contextPrecisionKind,
  create(o, deps) {
    const judge = o.relevance === "judge" ? { client: requireJudge("context_precision", deps), cfg: { ...o, model: o.model! } } : null;
    const threshold = o.threshold ?? 0.5;
    return {
      name: o.name ?? "context_precision", kind: "context_precision", family: "rag", threshold,
      fingerprint: judge ? judgeFingerprint("context_precision", { model: o.model }) : undefined,
      async evaluate(c, signal) {
        if (c.context === undefined) return notDefined("no_context", "the item has no retrieved context");
        if (c.context.length === 0) return notDefined("empty_context", "the retrieval returned no chunks");
        let labels: boolean[];
        let cost = 0;
        if (judge) {
          const r = await judgeChunkRelevance(judge.client, judge.cfg, c.input, expectedText(c.expected), c.context, signal);
          if (!r.ok) return failed(r.error, r.costUsd);
          labels = r.relevant;
          cost = r.costUsd;
        } else {
          if (!c.relevantContext) return notDefined("no_reference", "the item has no relevant_context labels");
          labels = labelsFromReference(c.context, c.relevantContext);
        }
        const ranks = labels.flatMap((r, i) => (r ? [i + 1] : []));
        return fromRatio(averagePrecision(labels), threshold, `relevant at ranks ${ranks.join(", ") || "none"} of ${labels.length}`, { cost_usd: cost, details: { relevant: labels } });
      },
    };
  },
});

/**
 * Context recall. With ground-truth relevant chunks: |relevant ∩ retrieved| / |relevant|.
 * Otherwise: share of the reference's claims (sentences) supported by the retrieved context.
 */
export const contextRecallSpec = defineEvaluator({
  ...contextRecallKind,
  create(o, deps) {
    const judge = judgeFor(o, "context_recall", deps);
    const threshold = o.threshold ?? 0.8;
    return {
      name: o.name ?? "context_recall", kind: "context_recall", family: "rag", threshold,
      fingerprint: judge ? judgeFingerprint("context_recall", { model: o.model }) : undefined,
      async evaluate(c, signal) {
        if (c.context === undefined) return notDefined("no_context", "the item has no retrieved context");
        if (c.relevantContext) {
          const r = setRecall(c.relevantContext, c.context);
          return fromRatio(r, threshold, `${r.value === null ? 0 : Math.round(r.value * c.relevantContext.length)} of ${c.relevantContext.length} relevant chunks retrieved`);
        }
        const ref = expectedText(c.expected);
        if (ref === undefined) return notDefined("no_reference", "the item has neither relevant_context nor an expected output");
        const statements = sentenceClaims(ref);
        if (statements.length === 0) return notDefined("no_claims", "the reference has no claims");
        const check = judge ? await judgeStatementCheck(judge.client, judge.cfg, statements, c.context, signal) : lexicalClaimCheck(ref, c.context, o.support_threshold);
        if (!check.ok) return failed(check.error, check.costUsd);
        const supported = check.claims.map((x) => x.supported);
        return fromRatio(supportedShare(supported), threshold, `${supported.filter(Boolean).length} of ${supported.length} reference claims found in the context`, {
          cost_usd: check.costUsd, details: { claims: check.claims },
        });
      },
    };
  },
});

import { z } from "zod";
import { defineEvaluator } from "../spec.js";
import { expectedText } from "../text.js";
import { failed, notDefined, scored } from "../types.js";
import { askJudge } from "./verdict.js";
import { judgeFingerprint, judgeRequest, requireJudge, section } from "./judge-options.js";
import { pairwiseKind } from "./pairwise-schema.js";

export type PairOutcome = "win" | "tie" | "loss";
const VALUE: Record<PairOutcome, number> = { win: 1, tie: 0.5, loss: 0 };

/**
 * Combines the two orders of one comparison from the candidate's side. The score is the mean of
 * the two outcomes (win 1, tie ½, loss 0), so a judge that always prefers the first position
 * gives win + loss = ½: position bias cancels instead of deciding. `consistent` is true when both
 * orders agree; the share of consistent items is the judge's consistency rate.
 */
export function combineOrders(first: PairOutcome, second: PairOutcome): { score: number; consistent: boolean; label: string } {
  const consistent = first === second;
  return { score: (VALUE[first] + VALUE[second]) / 2, consistent, label: consistent ? first : "inconsistent" };
}

const verdict = z.object({ winner: z.enum(["A", "B", "tie"]), reasoning: z.string().optional() });
const replyShape = '{"reasoning": "<one or two sentences>", "winner": "A" | "B" | "tie"}';

/**
 * Pairwise comparison of the output with a baseline answer (the item's `baseline` from a baseline
 * run, else its expected output), asked twice with the positions swapped.
 */
export const pairwiseSpec = defineEvaluator({
  ...pairwiseKind,
  create(o, deps) {
    const client = requireJudge("judge_pairwise", deps);
    const threshold = o.threshold ?? 0.5;
    const ask = async (input: string, a: string, b: string, signal?: AbortSignal) => {
      const prompt = [
        `Compare two answers to the same input by these criteria:\n${o.criteria}`,
        section("INPUT", input),
        section("ANSWER A", a),
        section("ANSWER B", b),
        `Which answer is better? Reply with only a JSON object: ${replyShape}`,
      ].join("\n\n");
      return askJudge(client, judgeRequest(o, prompt), verdict, { maxAttempts: o.max_attempts, replyShape, signal });
    };
    return {
      name: o.name ?? "judge_pairwise", kind: "judge_pairwise", family: "judge", threshold,
      fingerprint: judgeFingerprint("judge_pairwise", { model: o.model, criteria: o.criteria }),
      async evaluate(c, signal) {
        const other = c.baseline ?? expectedText(c.expected);
        if (other === undefined) return notDefined("no_reference", "no baseline answer or expected output to compare with");
        const [r1, r2] = await Promise.all([ask(c.input, c.output, other, signal), ask(c.input, other, c.output, signal)]);
        const cost = r1.costUsd + r2.costUsd;
        if (!r1.ok) return failed(r1.error, cost);
        if (!r2.ok) return failed(r2.error, cost);
        const first: PairOutcome = r1.verdict.winner === "A" ? "win" : r1.verdict.winner === "B" ? "loss" : "tie";
        const second: PairOutcome = r2.verdict.winner === "B" ? "win" : r2.verdict.winner === "A" ? "loss" : "tie";
        const comb = combineOrders(first, second);
        return scored(comb.score, threshold, `output first: ${first}; output second: ${second}${r1.verdict.reasoning ? ` — ${r1.verdict.reasoning}` : ""}`, {
          // Which judge answered, as it reported itself: the provenance of rows exported from this run.
          label: comb.label, cost_usd: cost, details: { consistent: comb.consistent, first, second, judge_model: r1.model ?? o.model, system_fingerprint: r1.systemFingerprint ?? null },
        });
      },
    };
  },
});

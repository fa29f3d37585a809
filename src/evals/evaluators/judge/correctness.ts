import { z } from "zod";
import { defineEvaluator } from "../spec.js";
import { expectedText } from "../text.js";
import { failed, notDefined, scored } from "../types.js";
import { askJudge } from "./verdict.js";
import { judgeFingerprint, judgeRequest, requireJudge, section } from "./judge-options.js";
import { correctnessKind } from "./correctness-schema.js";

const RATING = { incorrect: 0, partially_correct: 1, correct: 2 } as const;
const verdict = z.object({ verdict: z.enum(["correct", "partially_correct", "incorrect"]), reasoning: z.string().optional() });
const replyShape = '{"reasoning": "<one or two sentences>", "verdict": "correct" | "partially_correct" | "incorrect"}';

/**
 * Reference-based correctness: is the answer factually consistent with the reference answer?
 * correct 1, partially_correct ½, incorrect 0 (rating 2/1/0 for calibration).
 */
export const correctnessSpec = defineEvaluator({
  ...correctnessKind,
  create(o, deps) {
    const client = requireJudge("judge_correctness", deps);
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "judge_correctness", kind: "judge_correctness", family: "judge", threshold,
      fingerprint: judgeFingerprint("judge_correctness", { model: o.model, instructions: o.instructions ?? null }),
      async evaluate(c, signal) {
        const ref = expectedText(c.expected);
        if (ref === undefined) return notDefined("no_reference", "the item has no expected output");
        const prompt = [
          "Decide whether the answer is correct given the reference answer. Wording may differ; facts must not. " +
            "Missing essential facts make it partially_correct; any contradiction makes it incorrect.",
          o.instructions ?? "",
          section("QUESTION", c.input),
          section("REFERENCE", ref),
          section("ANSWER", c.output),
          `Reply with only a JSON object: ${replyShape}`,
        ].filter(Boolean).join("\n\n");
        const r = await askJudge(client, judgeRequest(o, prompt), verdict, { maxAttempts: o.max_attempts, replyShape, signal });
        if (!r.ok) return failed(r.error, r.costUsd);
        const rating = RATING[r.verdict.verdict];
        return scored(rating / 2, threshold, r.verdict.reasoning ?? r.verdict.verdict, { label: r.verdict.verdict, rating, cost_usd: r.costUsd });
      },
    };
  },
});

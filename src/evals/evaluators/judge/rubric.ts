import { z } from "zod";
import { defineEvaluator } from "../spec.js";
import { expectedText } from "../text.js";
import { failed, scored } from "../types.js";
import { askJudge } from "./verdict.js";
import { judgeFingerprint, judgeRequest, requireJudge, section } from "./judge-options.js";
import { rubricKind } from "./rubric-schema.js";

/**
 * Single-output rubric scoring (G-Eval style: criteria, then evaluation steps, then an integer on
 * a fixed scale). The rating r on [min, max] becomes the score (r − min) / (max − min); the raw
 * rating is kept for calibration against experts who rate on the same scale.
 */
export const rubricSpec = defineEvaluator({
  ...rubricKind,
  create(o, deps) {
    const client = requireJudge("judge_rubric", deps);
    const threshold = o.threshold ?? 0.5;
    const { min, max } = o.scale;
    const verdict = z.object({ score: z.number().int().min(min).max(max), reasoning: z.string().optional() });
    const replyShape = `{"reasoning": "<one or two sentences>", "score": <integer ${min}-${max}>}`;
    return {
      name: o.name ?? "judge_rubric", kind: "judge_rubric", family: "judge", threshold,
      fingerprint: judgeFingerprint("judge_rubric", { model: o.model, criteria: o.criteria, steps: o.steps, scale: o.scale, use_reference: o.use_reference }),
      async evaluate(c, signal) {
        const ref = o.use_reference ? expectedText(c.expected) : undefined;
        const prompt = [
          `Rate the answer against these criteria:\n${o.criteria}`,
          o.steps.length ? `Evaluation steps:\n${o.steps.map((s, i) => `${i + 1}. ${s}`).join("\n")}` : "",
          `Scale: an integer from ${min} (worst) to ${max} (best).`,
          section("INPUT", c.input),
          section("ANSWER", c.output),
          ref !== undefined ? section("REFERENCE", ref) : "",
          `Reply with only a JSON object: ${replyShape}`,
        ].filter(Boolean).join("\n\n");
        const r = await askJudge(client, judgeRequest(o, prompt), verdict, { maxAttempts: o.max_attempts, replyShape, signal });
        if (!r.ok) return failed(r.error, r.costUsd);
        const { score: rating, reasoning } = r.verdict;
        return scored((rating - min) / (max - min), threshold, reasoning ?? `rated ${rating} of ${max}`, {
          rating, cost_usd: r.costUsd, details: { attempts: r.attempts, scale: [min, max] },
        });
      },
    };
  },
});

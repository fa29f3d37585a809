import { z } from "zod";
import type { ChatMessage } from "../../api/chat-types.js";
import { askJudge } from "./judge/verdict.js";
import { judgeFingerprint, judgeRequest, requireJudge, section } from "./judge/judge-options.js";
import { defineEvaluator } from "./spec.js";
import { callScore } from "./tool-calls.js";
import { type AgentStep, failed, notDefined, scored, type ToolCallValue } from "./types.js";
import { agentStepsKind } from "./agent-steps-schema.js";

export interface StepVerdict {
  readonly step: number;
  readonly good: boolean;
  readonly reason: string;
}

/**
 * Trajectory score = (good steps before the first bad one) / (steps): the share of the trajectory
 * that was right before it went wrong; 1 when no step is bad. Steps after the first bad one do not
 * count — a process-reward view, where one wrong step spoils what follows.
 */
export function trajectoryScore(verdicts: readonly StepVerdict[], totalSteps: number): { score: number; firstBad: number | null } {
  const bad = verdicts.find((v) => !v.good);
  if (!bad) return { score: 1, firstBad: null };
  // A verdict past the last step is a missing step (reference mode): it lengthens the trajectory.
  const n = Math.max(totalSteps, ...verdicts.map((v) => v.step));
  return { score: (bad.step - 1) / n, firstBad: bad.step };
}

/** Steps of an OpenAI-style conversation: each assistant turn, with the tool results that answer it. */
export function stepsFromMessages(messages: readonly ChatMessage[]): AgentStep[] {
  const steps: { content?: string; toolCall?: ToolCallValue; observation?: string; callId?: string }[] = [];
  for (const m of messages) {
    if (m.role === "assistant") {
      const text = typeof m.content === "string" ? m.content : undefined;
      if (m.tool_calls?.length) {
        m.tool_calls.forEach((tc, i) => steps.push({ content: i === 0 ? text || undefined : undefined, toolCall: { name: tc.function.name, arguments: parseArgs(tc.function.arguments) }, callId: tc.id }));
      } else if (text) steps.push({ content: text });
    } else if (m.role === "tool") {
      const target = steps.findLast((s) => s.callId !== undefined && s.callId === m.tool_call_id) ?? steps.at(-1);
      if (target) target.observation = typeof m.content === "string" ? m.content : JSON.stringify(m.content);
    }
  }
  return steps.map(({ callId: _id, ...s }) => s);
}

export function parseArgs(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describeStep(s: AgentStep): string {
  const parts: string[] = [];
  if (s.content) parts.push(`says: ${s.content}`);
  if (s.toolCall) parts.push(`calls ${s.toolCall.name}(${JSON.stringify(s.toolCall.arguments)})`);
  if (s.observation !== undefined) parts.push(`observes: ${s.observation}`);
  return parts.join("\n") || "(empty step)";
}

/** Reference mode: the i-th tool-calling step must match the i-th expected call (name, and the expected arguments). */
export function referenceVerdicts(steps: readonly AgentStep[], expected: readonly ToolCallValue[]): StepVerdict[] {
  const verdicts: StepVerdict[] = [];
  let k = 0;
  steps.forEach((s, i) => {
    if (!s.toolCall) return void verdicts.push({ step: i + 1, good: true, reason: "no tool call" });
    const want = expected[k++];
    if (!want) return void verdicts.push({ step: i + 1, good: false, reason: `unexpected call ${s.toolCall.name}` });
    const ok = callScore(want, s.toolCall, false) === 1;
    verdicts.push({ step: i + 1, good: ok, reason: ok ? `calls ${want.name} as expected` : `expected ${want.name}(${JSON.stringify(want.arguments)}), got ${s.toolCall.name}(${JSON.stringify(s.toolCall.arguments)})` });
  });
  if (k < expected.length) verdicts.push({ step: steps.length + 1, good: false, reason: `missing call ${expected[k].name}` });
  return verdicts;
}

const judgeVerdict = z.object({ verdict: z.enum(["good", "bad"]), reasoning: z.string().optional() });
const replyShape = '{"reasoning": "<one sentence>", "verdict": "good" | "bad"}';

export const agentStepsSpec = defineEvaluator({
  ...agentStepsKind,
  create(o, deps) {
    const client = o.method === "judge" ? requireJudge("agent_steps", deps) : null;
    const threshold = o.threshold ?? 1;
    return {
      name: o.name ?? "agent_steps", kind: "agent_steps", family: "agent", threshold,
      fingerprint: client ? judgeFingerprint("agent_steps", { model: o.model, criteria: o.criteria }) : undefined,
      async evaluate(c, signal) {
        const steps = c.steps ?? [];
        if (steps.length === 0) return notDefined("no_steps", "the case has no agent steps");
        let verdicts: StepVerdict[];
        let cost = 0;
        if (!client) {
          if (!c.expectedToolCalls) return notDefined("no_reference", "reference mode needs expected_tool_calls");
          verdicts = referenceVerdicts(steps, c.expectedToolCalls);
        } else {
          verdicts = [];
          for (let i = 0; i < steps.length; i++) {
            const prompt = [
              `Judge one step of an AI agent working on a task. Criteria: ${o.criteria}`,
              section("TASK", c.input),
              section("PREVIOUS STEPS", steps.slice(0, i).map((s, j) => `Step ${j + 1}:\n${describeStep(s)}`).join("\n\n") || "(none)"),
              section(`STEP ${i + 1}`, describeStep(steps[i])),
              `Is step ${i + 1} good or bad? Reply with only a JSON object: ${replyShape}`,
            ].join("\n\n");
            const r = await askJudge(client, judgeRequest({ ...o, model: o.model! }, prompt), judgeVerdict, { maxAttempts: o.max_attempts, replyShape, signal });
            cost += r.costUsd;
            if (!r.ok) return failed(`step ${i + 1}: ${r.error}`, cost);
            verdicts.push({ step: i + 1, good: r.verdict.verdict === "good", reason: r.verdict.reasoning ?? r.verdict.verdict });
            if (r.verdict.verdict === "bad" && o.stop_at_first_bad) break;
          }
        }
        const { score, firstBad } = trajectoryScore(verdicts, steps.length);
        const bad = firstBad === null ? null : verdicts.find((v) => v.step === firstBad)!;
        return scored(score, threshold, bad ? `first bad step: ${firstBad} — ${bad.reason}` : `all ${steps.length} steps good`, {
          label: bad ? `bad_step_${firstBad}` : "all_steps_good", cost_usd: cost, details: { first_bad_step: firstBad, steps: verdicts },
        });
      },
    };
  },
});

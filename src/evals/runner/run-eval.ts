import type { DatasetItem } from "../datasets/item-schema.js";
import { type AgentStep, type EvalCase, type EvalResult, type Evaluator, failed } from "../evaluators/types.js";
import { cacheKey, type OutputCache } from "./cache.js";
import type { ItemResult } from "./run-types.js";
import { type ProgressSink, silentProgress } from "./progress.js";
import type { Target, TargetOutput } from "./target.js";

export interface RunPlan {
  readonly items: readonly DatasetItem[];
  readonly repeats: number;
  readonly target: Target;
  readonly evaluators: readonly Evaluator[];
  /** Tasks (item × repeat) in flight at most; HTTP calls are further limited by the run's RateGate. */
  readonly concurrency: number;
  readonly cache?: OutputCache;
  /** Stop dispatching new tasks once this much has been spent (USD). */
  readonly budgetUsd?: number;
  /** item id → a baseline run's answer, for pairwise judges. */
  readonly baseline?: ReadonlyMap<string, string>;
  readonly signal?: AbortSignal;
  readonly onResult: (r: ItemResult) => void | Promise<void>;
  readonly progress?: ProgressSink;
  readonly now?: () => number;
}

export interface RunOutcome {
  readonly status: "completed" | "budget_exceeded" | "cancelled";
  readonly done: number;
  readonly total: number;
  readonly costUsd: number;
  readonly errors: number;
}

/**
 * Runs every item `repeats` times through the target and scores each answer with every evaluator.
 * Tasks go out repeat-major (all items once, then all again), so a budget stop leaves whole
 * repeats rather than some items with k answers and others with none. The budget is checked before
 * each dispatch: calls already in flight finish, so a run can overshoot by at most `concurrency`
 * tasks' cost. Abort stops dispatching and cancels calls in flight.
 */
export async function runEval(plan: RunPlan): Promise<RunOutcome> {
  const now = plan.now ?? Date.now;
  const progress = plan.progress ?? silentProgress;
  const total = plan.items.length * plan.repeats;
  const started = now();
  let next = 0;
  let done = 0;
  let spent = 0;
  let errors = 0;
  let overBudget = false;
  const state = () => ({ done, total, costUsd: spent, errors, elapsedMs: now() - started });

  const worker = async (): Promise<void> => {
    for (;;) {
      if (plan.signal?.aborted) return;
      if (plan.budgetUsd !== undefined && spent >= plan.budgetUsd) {
        overBudget = true;
        return;
      }
      const t = next++;
      if (t >= total) return;
      const item = plan.items[t % plan.items.length];
      const repeat = Math.floor(t / plan.items.length);
      let result: ItemResult;
      try {
        result = await runTask(plan, item, repeat);
      } catch (err) {
        if (plan.signal?.aborted) return;
        throw err;
      }
      spent += result.cost_usd;
      if (result.error !== null || Object.values(result.scores).some((s) => s.status === "error")) errors++;
      await plan.onResult(result);
      done++;
      progress.update(state());
    }
  };

  progress.update(state());
  await Promise.all(Array.from({ length: Math.max(1, Math.min(plan.concurrency, total)) }, worker));
  progress.end(state());
  const status = plan.signal?.aborted ? "cancelled" : overBudget && done < total ? "budget_exceeded" : "completed";
  return { status, done, total, costUsd: spent, errors };
}

async function runTask(plan: RunPlan, item: DatasetItem, repeat: number): Promise<ItemResult> {
  let call;
  try {
    call = plan.target.prepare(item);
  } catch (err) {
    return { item_id: item.id, repeat, output: null, error: `cannot build the request: ${(err as Error).message}`, scores: {}, cost_usd: 0 };
  }
  const key = plan.cache ? cacheKey(plan.target.fingerprint, call.payload, repeat) : null;
  let output: TargetOutput | undefined = key ? await plan.cache!.get(key) : undefined;
  const cached = output !== undefined;
  if (!output) {
    try {
      output = await plan.target.send(call, plan.signal);
    } catch (err) {
      if (plan.signal?.aborted) throw err;
      return { item_id: item.id, repeat, output: null, error: (err as Error).message, scores: {}, cost_usd: 0 };
    }
    if (key) await plan.cache!.set(key, output);
  }
  const c = evalCase(item, call.inputText, output, plan.baseline?.get(item.id));
  const entries = await Promise.all(plan.evaluators.map(async (ev): Promise<[string, EvalResult]> => {
    try {
      return [ev.name, await ev.evaluate(c, plan.signal)];
    } catch (err) {
      if (plan.signal?.aborted) throw err;
      return [ev.name, failed(`evaluator failed: ${(err as Error).message}`)];
    }
  }));
  const scores = Object.fromEntries(entries);
  const evalCost = entries.reduce((s, [, r]) => s + (r.cost_usd ?? 0), 0);
  return { item_id: item.id, repeat, output: { ...output, cached }, error: null, scores, cost_usd: (cached ? 0 : output.cost_usd) + evalCost };
}

/** The evaluator's view: item, answer, and what the call measured. Context and steps the target reports win over the item's. */
export function evalCase(item: DatasetItem, input: string, out: TargetOutput, baseline?: string): EvalCase {
  const steps = out.steps ?? item.steps;
  return {
    itemId: item.id,
    input,
    output: out.text,
    toolCalls: out.tool_calls,
    expected: item.expected,
    expectedToolCalls: item.expected_tool_calls,
    context: out.context ?? item.context,
    relevantContext: item.relevant_context,
    steps: steps?.map((s): AgentStep => ({ content: s.content, toolCall: s.tool_call, observation: s.observation })),
    baseline: baseline ?? undefined,
    latencyMs: out.latency_ms,
    costUsd: out.cost_usd,
  };
}


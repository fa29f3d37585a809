import type { Embedder } from "../../providers/embeddings/embedder.js";
import type { Logger } from "../../observe/log.js";
import type { ChatClient } from "../evaluators/judge/chat-client.js";
import { buildEvaluators, needsOf } from "../evaluators/registry.js";
import { matchesRule, type OnlineRule, onlineRuleInput, sampled } from "./rules.js";
import { traceCase } from "./trace-case.js";
import type { TraceRecord } from "../../observe/types.js";
import type { EvalCase, Evaluator } from "../evaluators/types.js";
import type { TraceFeed } from "./trace-feed.js";
import type { OnlineRuleStore, ScoreStore, TraceScore } from "./types.js";

export interface OnlineEvaluatorDeps {
  readonly feed: TraceFeed;
  readonly rules: OnlineRuleStore;
  readonly scores: ScoreStore;
  /** A judge client for a rule's `judge_credential` (undefined when it cannot be resolved). */
  readonly judgeFor: (credential: string) => ChatClient | undefined;
  readonly embedder: () => Embedder;
  readonly log: Logger;
  /**
   * What was retrieved for a call (the knowledge layer's retrieval spans under its trace, documents
   * the request carried), best-ranked first; undefined when nothing was. RAG evaluators
   * (faithfulness, context relevance) score live answers against it.
   */
  readonly contextOf?: (t: TraceRecord) => readonly string[] | undefined;
  /** Flush queued traces before reading (the trace writer). */
  readonly flush?: () => void | Promise<void>;
  readonly now?: () => number;
}

export interface TickStats {
  examined: number;
  matched: number;
  scored: number;
  skipped: number;
}

/**
 * Scores sampled production traces off the request path: every `intervalMs` it reads the traces
 * that finished since last time, and for each enabled rule that matches and samples a trace, runs
 * the rule's evaluators and attaches the results to the trace. A slow judge delays the next tick,
 * never a request. Rule evaluators are built once per rule version.
 */
export class OnlineEvaluator {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickStats> | null = null;
  private readonly built = new Map<string, { version: string; evaluators: Evaluator[] }>();
  private readonly abort = new AbortController();
  /** The last pass found no enabled rule: the next one with a rule restarts the feed where it was enabled. */
  private idle = false;

  constructor(private readonly d: OnlineEvaluatorDeps, private readonly o: { intervalMs: number; batch: number }) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick().catch((err) => this.d.log.error("online evaluation failed", { error: String(err) })), this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort(new Error("shutting down"));
    await this.running?.catch(() => undefined);
  }

  /** One pass; overlapping calls share the pass in progress. */
  tick(): Promise<TickStats> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<TickStats> {
    const stats: TickStats = { examined: 0, matched: 0, scored: 0, skipped: 0 };
    const rules = this.d.rules.list().filter((r) => r.enabled).map((r) => ({ ...(onlineRuleInput.parse(r.body)), id: r.id, version: r.updated_at }));
    if (rules.length === 0) {
      // Nothing to score: no trace flush, no read, no write on the gateway's connection (a write
      // there waits for the trace writer's lock). The first pass with a rule starts where it was enabled.
      this.idle = true;
      return stats;
    }
    if (this.idle) {
      // Every rule enabled now was enabled since the last pass saw none: start at the earliest.
      const enabledAt = Math.min(...rules.map((r) => Date.parse(r.version)).filter((t) => Number.isFinite(t)));
      this.d.feed.restart(Math.min(enabledAt, (this.d.now ?? Date.now)()));
      this.idle = false;
    }
    await this.d.flush?.();
    const traces = this.d.feed.next(this.o.batch);
    for (const t of traces) {
      stats.examined++;
      for (const rule of rules) {
        if (!matchesRule(rule, t) || !sampled(t.id, rule.id, rule.sample_rate)) continue;
        stats.matched++;
        if (this.d.scores.hasScores(t.id, rule.id)) continue;
        const c = withContext(traceCase(t), t, this.d.contextOf);
        const evaluators = c && this.evaluatorsFor(rule);
        if (!c || !evaluators) {
          stats.skipped++;
          continue;
        }
        const results = await Promise.all(evaluators.map(async (ev) => [ev, await ev.evaluate(c, this.abort.signal)] as const));
        const at = new Date((this.d.now ?? Date.now)()).toISOString();
        stats.scored += this.d.scores.addScores(results.map(([ev, r]): TraceScore => ({
          trace_id: t.id, name: ev.name, source: "online", rule_id: rule.id, status: r.status,
          score: r.status === "scored" ? r.score : null, passed: r.status === "scored" ? r.passed : null,
          label: r.label, explanation: r.explanation, cost_usd: r.cost_usd ?? 0, created_at: at,
        })));
      }
    }
    return stats;
  }

  private evaluatorsFor(rule: OnlineRule & { version: string }): Evaluator[] | null {
    const hit = this.built.get(rule.id);
    if (hit?.version === rule.version) return hit.evaluators;
    const needs = needsOf(rule.evaluators);
    const judge = needs.judge && rule.judge_credential ? this.d.judgeFor(rule.judge_credential) : undefined;
    try {
      const evaluators = buildEvaluators(rule.evaluators, { judge, embedder: needs.embedder ? this.d.embedder() : undefined });
      this.built.set(rule.id, { version: rule.version, evaluators });
      return evaluators;
    } catch (err) {
      this.d.log.warn("online rule cannot run", { rule: rule.name, error: (err as Error).message });
      return null;
    }
  }
}

/** The case with the call's retrieved context, when the app can say what it was. */
function withContext(c: EvalCase | null, t: TraceRecord, contextOf: OnlineEvaluatorDeps["contextOf"]): EvalCase | null {
  if (!c || !contextOf) return c;
  const context = contextOf(t);
  return context === undefined ? c : { ...c, context };
}

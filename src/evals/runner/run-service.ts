import { randomBytes } from "node:crypto";
import { z } from "zod";
import { KeelError } from "../../errors/errors.js";
import { type CompareOptions, compareRuns, type RunComparison } from "../compare/compare.js";
import { gate, type GateOptions, type GateResult } from "../compare/gate.js";
import type { CalibrationService } from "../calibration/calibration-service.js";
import { evaluatorConfigSchema } from "../evaluators/registry.js";
import type { ItemResult, RunRecord, RunStatus, RunStore } from "./run-types.js";
import { summarize } from "./summary.js";
import type { TargetOutput } from "./target.js";

const metricSpec = z.strictObject({
  name: z.string().min(1).max(64),
  kind: z.string().min(1).max(64),
  family: z.enum(["deterministic", "embedding", "judge", "rag", "agent"]),
  threshold: z.number().min(0).max(1),
  fingerprint: z.string().max(64).optional(),
});

export const createRunInput = z.strictObject({
  name: z.string().min(1).max(128),
  dataset: z.string().min(1).max(64).nullable().default(null),
  dataset_version: z.int().min(0).nullable().default(null),
  config: z.strictObject({
    suite: z.string().max(128),
    target: z.strictObject({ description: z.string().max(1000), fingerprint: z.string().max(64), config: z.unknown() }),
    evaluators: z.array(evaluatorConfigSchema).max(100),
    metrics: z.array(metricSpec).min(1).max(100),
    thresholds: z.record(z.string(), z.strictObject({ mean: z.number().min(0).max(1).optional(), pass_rate: z.number().min(0).max(1).optional() })).default({}),
    repeats: z.int().min(1).max(100),
    budget_usd: z.number().min(0).nullable().default(null),
    baseline_run: z.string().max(64).nullable().default(null),
  }),
  metadata: z.record(z.string().max(64), z.string().max(1024)).default({}),
});

const evalResultSchema = z.union([
  z.looseObject({ status: z.literal("scored"), score: z.number().min(0).max(1), passed: z.boolean(), label: z.string().max(200), explanation: z.string().max(20_000) }),
  z.looseObject({ status: z.literal("undefined"), reason: z.string().max(64), label: z.literal("undefined"), explanation: z.string().max(20_000) }),
  z.looseObject({ status: z.literal("error"), label: z.literal("error"), explanation: z.string().max(20_000) }),
]);

export const itemResultSchema = z.strictObject({
  item_id: z.string().min(1).max(256),
  repeat: z.int().min(0).max(99),
  output: z.looseObject({ text: z.string(), latency_ms: z.number(), cost_usd: z.number().min(0), cached: z.boolean() }).nullable(),
  error: z.string().max(20_000).nullable(),
  scores: z.record(z.string(), evalResultSchema),
  cost_usd: z.number().min(0),
});

export const appendResultsInput = z.strictObject({ results: z.array(itemResultSchema).min(1).max(5000) });
export const finishRunInput = z.strictObject({ status: z.enum(["completed", "budget_exceeded", "cancelled", "failed"]) });

/** Eval runs: created by `keel eval run`, filled with results as they come, summarised at the end. */
export class RunService {
  constructor(private readonly store: RunStore, private readonly calibrations: CalibrationService, private readonly now: () => number = Date.now) {}

  create(input: z.output<typeof createRunInput>): RunRecord {
    const run: RunRecord = {
      id: `run_${randomBytes(9).toString("base64url")}`, name: input.name, status: "running", dataset: input.dataset, dataset_version: input.dataset_version,
      config: input.config as RunRecord["config"], started_at: new Date(this.now()).toISOString(), ended_at: null, cost_usd: 0, summary: null, metadata: input.metadata,
    };
    this.store.insertRun(run);
    return run;
  }

  append(id: string, results: readonly ItemResult[]): { stored: number } {
    const run = this.get(id);
    if (run.status !== "running") throw new KeelError("invalid_request", `Run ${id} is ${run.status}; results can be added only while it runs.`, { param: "id" });
    this.store.appendResults(id, results);
    return { stored: results.length };
  }

  /** Ends a run and stores its summary, computed here from the stored results (not trusted from the client). */
  finish(id: string, status: Exclude<RunStatus, "running">): RunRecord {
    const run = this.get(id);
    if (run.status !== "running") throw new KeelError("invalid_request", `Run ${id} is already ${run.status}.`, { param: "id" });
    const results = this.store.results(id);
    const summary = summarize(results, run.config.metrics, run.config.thresholds, run.config.repeats);
    this.store.finishRun(id, status, summary, summary.cost_usd, new Date(this.now()).toISOString());
    return this.get(id);
  }

  get(id: string): RunRecord {
    const run = this.store.getRun(id);
    if (!run) throw new KeelError("not_found", `No eval run with id "${id.slice(0, 64)}".`, { param: "id" });
    return run;
  }

  list(o: { limit: number; name?: string }): RunRecord[] {
    return this.store.listRuns(o);
  }

  results(id: string): ItemResult[] {
    this.get(id);
    return this.store.results(id);
  }

  compare(baselineId: string, candidateId: string, o: CompareOptions): RunComparison {
    return compareRuns({ run: this.get(baselineId), results: this.store.results(baselineId) }, { run: this.get(candidateId), results: this.store.results(candidateId) }, o);
  }

  gate(id: string, baselineId: string | null, o: GateOptions): GateResult {
    const candidate = { run: this.get(id), results: this.store.results(id) };
    const baseline = baselineId ? { run: this.get(baselineId), results: this.store.results(baselineId) } : null;
    return gate(candidate, baseline, (m) => this.calibrations.eligibility(m), o);
  }

  cacheGet(key: string): TargetOutput | undefined {
    return this.store.cacheGet(key);
  }

  cachePut(key: string, output: TargetOutput): void {
    this.store.cachePut(key, output, this.now());
  }
}

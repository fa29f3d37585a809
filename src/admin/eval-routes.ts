import { z } from "zod";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import { calibrateInput, type CalibrationService, putRatingsInput, ratingSetName } from "../evals/calibration/calibration-service.js";
import type { OnlineEvaluator } from "../evals/online/online-evaluator.js";
import { onlineRuleInput } from "../evals/online/rules.js";
import type { OnlineRuleStore, ScoreStore } from "../evals/online/types.js";
import { appendResultsInput, createRunInput, finishRunInput, type RunService } from "../evals/runner/run-service.js";
import type { ItemResult } from "../evals/runner/run-types.js";
import type { TargetOutput } from "../evals/runner/target.js";
import type { PriceConfig } from "../observe/price-schema.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import type { TraceStore } from "../observe/types.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { randomBytes } from "node:crypto";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

export interface EvalRouteDeps {
  auth: AdminAuth;
  runs: RunService;
  calibrations: CalibrationService;
  rules: OnlineRuleStore;
  scores: ScoreStore;
  online: OnlineEvaluator;
  traceStore: TraceStore;
  traceWriter: TraceWriter;
  /** The price the gateway charges a model (name, alias or route), or null. */
  priceOf: (model: string) => PriceConfig | null;
}

const RESULTS_BODY_BYTES = 32 * 1024 * 1024;
const statsOptions = {
  level: z.coerce.number().gt(0).lt(1).optional(),
  alpha: z.coerce.number().gt(0).lt(1).optional(),
  min_effect: z.coerce.number().min(0).max(1).optional(),
  resamples: z.coerce.number().int().min(100).max(100_000).optional(),
  seed: z.coerce.number().int().optional(),
};
const compareQuery = z.strictObject({ baseline: z.string().min(1).max(64), candidate: z.string().min(1).max(64), ...statsOptions });
const gateInput = z.strictObject({
  baseline: z.string().min(1).max(64).optional(),
  thresholds: z.record(z.string(), z.strictObject({ mean: z.number().min(0).max(1).optional(), pass_rate: z.number().min(0).max(1).optional() })).optional(),
  metrics: z.array(z.string().min(1).max(64)).min(1).max(100).optional(),
  max_error_rate: z.number().min(0).max(1).optional(),
  strict_calibration: z.boolean().optional(),
  ...statsOptions,
});
const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/)]).transform((v) => (/^\d+$/.test(v) ? (v.length === 10 ? Number(v) * 1000 : Number(v)) : Date.parse(v)));
const apiScoreInput = z.strictObject({
  trace_id: z.string().min(1).max(256), name: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/), score: z.number().min(0).max(1),
  passed: z.boolean().optional(), label: z.string().min(1).max(64).optional(), explanation: z.string().max(4000).optional(),
});

/** /api/v1/evals/*: runs, comparison and gating, output cache, ratings, calibration, online rules; /api/v1/scores. */
export function registerEvalRoutes(router: Router, d: EvalRouteDeps): void {
  const r = (method: string, path: string, fn: Parameters<typeof adminRoute>[1]): void => void router.add(method, path, adminRoute(d.auth, fn));
  const body = async <T extends z.ZodType>(req: Parameters<Parameters<typeof adminRoute>[1]>[0], schema: T, max = 1024 * 1024): Promise<z.output<T>> => validateBody(schema, await readJsonBody(req, max));

  // Runs
  r("POST", "/api/v1/evals/runs", async (req, res) => sendJson(res, 201, d.runs.create(await body(req, createRunInput))));
  r("GET", "/api/v1/evals/runs", (_req, res, _p, query) => {
    const q = parseQuery(z.strictObject({ limit: z.coerce.number().int().min(1).max(1000).default(50), name: z.string().max(128).optional() }), query);
    sendJson(res, 200, { data: d.runs.list(q) });
  });
  r("GET", "/api/v1/evals/runs/:id", (_req, res, p) => sendJson(res, 200, d.runs.get(p.id)));
  r("GET", "/api/v1/evals/runs/:id/results", (_req, res, p) => sendJson(res, 200, { data: d.runs.results(p.id) }));
  r("POST", "/api/v1/evals/runs/:id/results", async (req, res, p) => sendJson(res, 200, d.runs.append(p.id, (await body(req, appendResultsInput, RESULTS_BODY_BYTES)).results as ItemResult[])));
  r("POST", "/api/v1/evals/runs/:id/finish", async (req, res, p) => sendJson(res, 200, d.runs.finish(p.id, (await body(req, finishRunInput)).status)));
  r("POST", "/api/v1/evals/runs/:id/gate", async (req, res, p) => {
    const g = await body(req, gateInput);
    sendJson(res, 200, d.runs.gate(p.id, g.baseline ?? null, {
      thresholds: g.thresholds, metrics: g.metrics, maxErrorRate: g.max_error_rate, strictCalibration: g.strict_calibration,
      level: g.level, alpha: g.alpha, minEffect: g.min_effect, resamples: g.resamples, seed: g.seed,
    }));
  });
  r("GET", "/api/v1/evals/compare", (_req, res, _p, query) => {
    const q = parseQuery(compareQuery, query);
    sendJson(res, 200, d.runs.compare(q.baseline, q.candidate, { level: q.level, alpha: q.alpha, minEffect: q.min_effect, resamples: q.resamples, seed: q.seed }));
  });

  // The prices the gateway uses, so `keel eval run` costs calls (and enforces --budget) as traces do.
  r("GET", "/api/v1/evals/prices", (_req, res, _p, query) => {
    const q = parseQuery(z.strictObject({ models: z.string().min(1).max(4096) }), query);
    const names = [...new Set(q.models.split(",").map((m) => m.trim()).filter(Boolean))].slice(0, 100);
    sendJson(res, 200, { data: Object.fromEntries(names.map((m) => [m, d.priceOf(m)])) });
  });

  // Output cache
  const cacheKey = (k: string): string => {
    if (!/^[0-9a-f]{64}$/.test(k)) throw new KeelError("invalid_request", "A cache key is 64 hex characters.", { param: "key" });
    return k;
  };
  r("GET", "/api/v1/evals/cache/:key", (_req, res, p) => {
    const hit = d.runs.cacheGet(cacheKey(p.key));
    if (!hit) throw new KeelError("not_found", "No cached output for this key.", { param: "key" });
    sendJson(res, 200, hit);
  });
  r("PUT", "/api/v1/evals/cache/:key", async (req, res, p) => {
    const output = await body(req, z.looseObject({ text: z.string(), tool_calls: z.array(z.unknown()), latency_ms: z.number(), cost_usd: z.number().min(0) }), 8 * 1024 * 1024);
    d.runs.cachePut(cacheKey(p.key), output as unknown as TargetOutput);
    res.writeHead(204).end();
  });

  // Expert ratings and calibration
  r("GET", "/api/v1/evals/ratings", (_req, res) => sendJson(res, 200, { data: d.calibrations.ratingSets() }));
  r("GET", "/api/v1/evals/ratings/:set", (_req, res, p) => sendJson(res, 200, { set: p.set, data: d.calibrations.ratings(p.set) }));
  r("PUT", "/api/v1/evals/ratings/:set", async (req, res, p) => {
    const set = ratingSetName.safeParse(p.set);
    if (!set.success) throw new KeelError("invalid_request", "Invalid rating set name: letters, digits, _ . - only.", { param: "set" });
    sendJson(res, 200, d.calibrations.putRatings(set.data, (await body(req, putRatingsInput, 32 * 1024 * 1024)).ratings));
  });
  r("POST", "/api/v1/evals/calibrations", async (req, res) => sendJson(res, 201, d.calibrations.calibrate(await body(req, calibrateInput))));
  r("GET", "/api/v1/evals/calibrations", (_req, res, _p, query) => {
    const q = parseQuery(z.strictObject({ judge: z.string().max(64).optional(), limit: z.coerce.number().int().min(1).max(1000).default(50) }), query);
    sendJson(res, 200, { data: d.calibrations.calibrations(q) });
  });

  // Online rules
  r("GET", "/api/v1/evals/online-rules", (_req, res) => sendJson(res, 200, { data: d.rules.list() }));
  r("POST", "/api/v1/evals/online-rules", async (req, res) => {
    const rule = await body(req, onlineRuleInput);
    if (d.rules.list().some((x) => x.name === rule.name)) throw new KeelError("invalid_request", `An online rule named "${rule.name}" already exists.`, { param: "name" });
    const now = new Date().toISOString();
    const rec = { id: `orl_${randomBytes(9).toString("base64url")}`, name: rule.name, enabled: rule.enabled, body: rule, created_at: now, updated_at: now };
    d.rules.put(rec);
    sendJson(res, 201, rec);
  });
  const ruleOr404 = (id: string) => {
    const rule = d.rules.get(id);
    if (!rule) throw new KeelError("not_found", `No online rule with id "${id.slice(0, 64)}".`, { param: "id" });
    return rule;
  };
  r("GET", "/api/v1/evals/online-rules/:id", (_req, res, p) => sendJson(res, 200, ruleOr404(p.id)));
  r("PUT", "/api/v1/evals/online-rules/:id", async (req, res, p) => {
    const old = ruleOr404(p.id);
    const rule = await body(req, onlineRuleInput);
    if (d.rules.list().some((x) => x.name === rule.name && x.id !== old.id)) throw new KeelError("invalid_request", `An online rule named "${rule.name}" already exists.`, { param: "name" });
    const rec = { ...old, name: rule.name, enabled: rule.enabled, body: rule, updated_at: new Date().toISOString() };
    d.rules.put(rec);
    sendJson(res, 200, rec);
  });
  r("DELETE", "/api/v1/evals/online-rules/:id", (_req, res, p) => {
    ruleOr404(p.id);
    d.rules.delete(p.id);
    res.writeHead(204).end();
  });
  r("POST", "/api/v1/evals/online/run", async (_req, res) => sendJson(res, 200, await d.online.tick()));

  // Scores on traces
  r("GET", "/api/v1/scores", async (_req, res, _p, query) => {
    const q = parseQuery(z.strictObject({ trace_id: z.string().min(1).max(256) }), query);
    await d.traceWriter.flush();
    sendJson(res, 200, { data: d.scores.scores(q.trace_id) });
  });
  r("POST", "/api/v1/scores", async (req, res) => {
    const s = await body(req, apiScoreInput);
    await d.traceWriter.flush();
    if (!d.traceStore.get(s.trace_id)) throw new KeelError("not_found", `No trace with id "${s.trace_id.slice(0, 128)}".`, { param: "trace_id" });
    const passed = s.passed ?? s.score >= 0.5;
    d.scores.addScores([{ trace_id: s.trace_id, name: s.name, source: "api", rule_id: "", status: "scored", score: s.score, passed, label: s.label ?? (passed ? "pass" : "fail"), explanation: s.explanation ?? "", cost_usd: 0, created_at: new Date().toISOString() }]);
    sendJson(res, 201, { data: d.scores.scores(s.trace_id) });
  });
  r("GET", "/api/v1/scores/summary", (_req, res, _p, query) => {
    const q = parseQuery(z.strictObject({
      name: z.string().max(64).optional(), since: time.optional(), until: time.optional(),
      group_by: z.enum(["none", "model", "feature", "key", "prompt", "rule"]).default("none"),
    }), query);
    sendJson(res, 200, { data: d.scores.summary({ name: q.name, since: q.since, until: q.until, groupBy: q.group_by }) });
  });
}

import { z } from "zod";
import { validateBody } from "../api/validate.js";
import { CalcInputError, num, precision } from "../calc/calc-inputs.js";
import { type Change, decodeOnTraffic, LiveDataError, memoryOnTraffic, specdecFromEngine, type TrafficCall, trafficStats, type TrafficStats } from "../calc/live.js";
import { PRECISIONS } from "../calc/memory.js";
import { GPUS, MODELS } from "../calc/presets.js";
import { type DecodeOptions, decodeInput, decodeReport, memoryInput, type MemoryOptions, memoryReport, SPECDEC_RANGES, specdecReport } from "../calc/reports.js";
import type { EngineView } from "../engines/engine-scraper.js";
import { KeelError } from "../errors/errors.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { TraceFilter, TracePage } from "../observe/types.js";
import { readJsonBody } from "../server/body.js";
import { sendError, sendJson } from "../server/respond.js";
import type { Handler, Router } from "../server/router.js";

export interface CalcDeps {
  auth: AdminAuth;
  /** Scraped engine state (engines/engine-scraper.ts): `{"from": "engine"}`. */
  engines: { view(target: string): EngineView | null };
  /** Trace listing (the read worker's): `{"from": "traces"}` reads recent calls' token counts. */
  listTraces: (f: TraceFilter) => Promise<TracePage>;
  flushTraces: () => Promise<void>;
}

/** A calculator body is a few dozen short fields. */
const MAX_BODY_BYTES = 8 * 1024;
/** Most recent calls read for `from: traces` (20 pages of the listing): bounds the read, the figures say when it cut. */
export const MAX_TRAFFIC_CALLS = 20_000;
const DAY = 86_400_000;

// Numbers or strings, as the command line gives them: calc-inputs.ts checks each one's range, once, for both.
const value = z.union([z.number(), z.string().max(64)]).optional();
const FIELDS = [
  "model", "params", "active_params", "layers", "heads", "kv_heads", "head_dim", "hidden", "sliding_window",
  "precision", "group_size", "kv_precision", "context", "batch", "block_size", "gpus", "gpu", "gpu_memory", "bandwidth", "tflops",
  "utilization", "overhead",
] as const;
const shape = Object.fromEntries(FIELDS.map((f) => [f, value])) as Record<(typeof FIELDS)[number], typeof value>;
const traffic = {
  from: z.literal("traces").optional(),
  days: value,
  traffic_model: z.string().min(1).max(256).optional(),
  compare_precision: value,
  compare_group_size: value,
  compare_kv_precision: value,
};
const memoryBody = z.strictObject({ ...shape, ...traffic });
const decodeBody = z.strictObject({ ...shape, ...traffic, prompt_tokens: value, efficiency: value });
const specdecBody = z.strictObject({ alpha: value, k: value, cost_ratio: value, from: z.literal("engine").optional(), target: z.string().min(1).max(512).optional() });

/** `kv_heads: 8` → `{ kvHeads: "8" }`: the command line's option object. */
function options(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = String(v);
  return out;
}

function changeOf(o: Record<string, string>): Change | null {
  if (o.comparePrecision === undefined && o.compareKvPrecision === undefined) return null;
  const c: Change = {};
  if (o.comparePrecision !== undefined) {
    c.precision = precision("--compare-precision", o.comparePrecision, "bf16");
    c.groupSize = num("--compare-group-size", o.compareGroupSize, c.precision === "int4" ? 128 : 0, { min: 0, max: 65_536, int: true });
  }
  if (o.compareKvPrecision !== undefined) c.kvPrecision = precision("--compare-kv-precision", o.compareKvPrecision, "bf16");
  return c;
}

/**
 * POST /api/v1/calc/memory|decode|specdec and GET /api/v1/calc/presets (docs/calculators.md#api).
 * The calculators change nothing, so a viewer key may call them (authorised as a read).
 */
export function registerCalcRoutes(router: Router, d: CalcDeps): void {
  const r = (method: string, path: string, fn: Handler): void => void router.add(method, path, async (req, res, params, query) => {
    try {
      d.auth.authorize(req.headers.authorization, "GET");
      await fn(req, res, params, query);
    } catch (err) {
      req.resume();
      sendError(res, asApiError(err));
    }
  });

  r("GET", "/api/v1/calc/presets", (_req, res) => sendJson(res, 200, {
    models: Object.entries(MODELS).map(([id, m]) => ({ id, ...m })),
    gpus: Object.entries(GPUS).map(([id, g]) => ({ id, ...g })),
    precisions: PRECISIONS,
  }));

  r("POST", "/api/v1/calc/memory", async (req, res) => {
    const o = options(validateBody(memoryBody, await readJsonBody(req, MAX_BODY_BYTES)));
    if (o.from === undefined) return sendJson(res, 200, memoryReport(o as MemoryOptions));
    const change = changeOf(o);
    const report = memoryReport(o as MemoryOptions);
    const stats = await readTraffic(d, o);
    sendJson(res, 200, { ...report, traffic: stats === null ? null : memoryOnTraffic(memoryInput(o as MemoryOptions), stats, change) });
  });

  r("POST", "/api/v1/calc/decode", async (req, res) => {
    const o = options(validateBody(decodeBody, await readJsonBody(req, MAX_BODY_BYTES)));
    if (o.from === undefined) return sendJson(res, 200, decodeReport(o as DecodeOptions));
    const change = changeOf(o);
    const report = decodeReport(o as DecodeOptions);
    const stats = await readTraffic(d, o);
    sendJson(res, 200, { ...report, traffic: stats === null ? null : decodeOnTraffic(decodeInput(o as DecodeOptions), stats, change) });
  });

  r("POST", "/api/v1/calc/specdec", async (req, res) => {
    const o = options(validateBody(specdecBody, await readJsonBody(req, MAX_BODY_BYTES)));
    if (o.from === undefined) {
      if (o.target !== undefined) throw new KeelError("invalid_request", "'target' goes with \"from\": \"engine\".", { param: "target" });
      return sendJson(res, 200, specdecReport(o));
    }
    if (o.target === undefined) throw new KeelError("invalid_request", "Missing required parameter: 'target' (the engine target, provider/model, as GET /api/v1/targets lists it).", { param: "target" });
    const costRatio = num("--cost-ratio", o.costRatio, undefined, SPECDEC_RANGES.costRatio);
    const k = o.k === undefined ? undefined : num("--k", o.k, undefined, SPECDEC_RANGES.k);
    if (o.alpha !== undefined) throw new KeelError("invalid_request", "'alpha' is measured when \"from\" is \"engine\"; leave it out.", { param: "alpha" });
    const v = d.engines.view(o.target);
    if (v === null) throw new KeelError("not_found", `No engine for target "${o.target.slice(0, 128)}": declare engine: on a route target (docs/engines.md).`, { param: "target" });
    if (v.stale || v.figures === null) {
      const last = v.lastOkAt === null ? "never scraped successfully" : `last good scrape ${new Date(v.lastOkAt).toISOString()}`;
      throw new KeelError("conflict", `The engine figures for "${o.target.slice(0, 128)}" are stale (${last}${v.lastError ? `; ${v.lastError}` : ""}).`, { param: "target" });
    }
    const f = v.figures;
    sendJson(res, 200, specdecFromEngine(o.target, { acceptanceRate: f.specAcceptanceRate, meanAcceptanceLength: f.specMeanAcceptanceLength, draftLength: f.specDraftLength }, costRatio, k));
  });
}

/** The most recent successful chat calls of the window (newest first, at most MAX_TRAFFIC_CALLS). */
async function readTraffic(d: CalcDeps, o: Record<string, string>): Promise<TrafficStats | null> {
  const days = num("--days", o.days, 7, { min: 1, max: 90, int: true });
  const until = Date.now();
  const since = until - days * DAY;
  await d.flushTraces();
  const calls: TrafficCall[] = [];
  let cursor: string | undefined;
  let truncated = false;
  for (;;) {
    const page = await d.listTraces({ since, until, model: o.trafficModel, status: "ok", limit: 1000, cursor });
    for (const t of page.data) if (t.endpoint === "chat" && t.tokensIn > 0) calls.push({ tokensIn: t.tokensIn, tokensOut: t.tokensOut });
    cursor = page.nextCursor ?? undefined;
    if (cursor === undefined) break;
    if (calls.length >= MAX_TRAFFIC_CALLS) {
      truncated = true;
      break;
    }
  }
  return trafficStats(calls.slice(0, MAX_TRAFFIC_CALLS), since, until, truncated);
}

/** Calculator input errors as 400s naming the API's field and its valid range. */
function asApiError(err: unknown): unknown {
  if (err instanceof CalcInputError) return new KeelError("invalid_request", err.apiMessage, { param: err.param });
  if (err instanceof LiveDataError) {
    const api = (flag: string): string => (flag === "--from-engine" ? "target" : flag.replace(/^--/, "").replaceAll("-", "_"));
    return new KeelError("invalid_request", err.message.replace(/--([a-z][a-z-]*)/g, api), { param: api(err.input) });
  }
  return err;
}

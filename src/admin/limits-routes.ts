import { z } from "zod";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { KeyService } from "../keys/key-service.js";
import type { LimitsLayer } from "../limits/create-limits.js";
import { keyLimitsSchema } from "../limits/key-limits.js";
import { SPEND_DIMENSIONS, type SpendDimension, type SpendGroup, type SpendTotals } from "../limits/spend/spend-types.js";
import { readJsonBody } from "../server/body.js";
import { sendJson } from "../server/respond.js";
import type { Router } from "../server/router.js";
import { adminRoute } from "./admin-route.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A day as `YYYY-MM-DD`, or any ISO time or epoch (s or ms), read as its UTC day. */
const day = z.string().max(40).transform((v, ctx) => {
  if (DAY.test(v) && Number.isFinite(Date.parse(v))) return v;
  const ms = /^\d{10,13}$/.test(v) ? (v.length === 10 ? Number(v) * 1000 : Number(v)) : Date.parse(v);
  if (!Number.isFinite(ms)) {
    ctx.addIssue({ code: "custom", message: "expected YYYY-MM-DD, an ISO time or epoch seconds" });
    return z.NEVER;
  }
  return new Date(ms).toISOString().slice(0, 10);
});
const label = z.string().min(1).max(256);
const spendQuery = z.strictObject({
  by: z
    .string()
    .max(100)
    .default("day")
    .transform((v, ctx) => {
      const dims = v.split(",").map((s) => s.trim()).filter(Boolean);
      const bad = dims.find((d) => !(SPEND_DIMENSIONS as readonly string[]).includes(d));
      if (bad) {
        ctx.addIssue({ code: "custom", message: `unknown dimension "${bad}" (one of ${SPEND_DIMENSIONS.join(", ")})` });
        return z.NEVER;
      }
      return [...new Set(dims)] as SpendDimension[];
    }),
  since: day.optional(),
  until: day.optional(),
  key: label.optional(),
  user: label.optional(),
  team: label.optional(),
  feature: label.optional(),
  model: label.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
const eventsQuery = z.strictObject({
  since: z.string().regex(/^\d{10,13}$|^\d{4}-/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** /api/v1/spend, /api/v1/budget-events and PUT /api/v1/keys/:id/limits. */
export function registerLimitsRoutes(router: Router, auth: AdminAuth, keys: KeyService, limits: LimitsLayer): void {
  router.add("GET", "/api/v1/spend", adminRoute(auth, async (_req, res, _p, query) => {
    const q = parseQuery(spendQuery, query);
    // Spend still in the recorder's queue is not lost to the reader who just made the call.
    await limits.spend.settle();
    const { groups, total } = limits.spendStore.query(q);
    sendJson(res, 200, { by: q.by, since: q.since ?? null, until: q.until ?? null, data: groups.map(groupView), total: totalsView(total) });
  }));

  router.add("GET", "/api/v1/budget-events", adminRoute(auth, (_req, res, _p, query) => {
    const q = parseQuery(eventsQuery, query);
    const since = q.since === undefined ? undefined : /^\d+$/.test(q.since) ? Number(q.since) * (q.since.length === 10 ? 1000 : 1) : Date.parse(q.since);
    const data = limits.events.list({ since, limit: q.limit }).map((e) => ({
      at: new Date(e.at).toISOString(), kind: e.kind, budget: e.budget, scope: e.scope, period: e.period, period_id: e.periodId,
      limit_usd: e.limitUsd, spent_usd: e.spentUsd,
    }));
    sendJson(res, 200, { data });
  }));

  router.add("PUT", "/api/v1/keys/:id/limits", adminRoute(auth, async (req, res, p) => {
    const input = validateBody(keyLimitsSchema, await readJsonBody(req, 16 * 1024));
    const view = keys.setLimits(p.id, input);
    // A budget set mid-period starts from what the key already spent this period, not from zero.
    await limits.reseedKey(view.id);
    sendJson(res, 200, view);
  }));
}

function parseQuery<T extends z.ZodType>(schema: T, query: URLSearchParams): z.output<T> {
  const parsed = schema.safeParse(Object.fromEntries(query));
  if (parsed.success) return parsed.data;
  const i = parsed.error.issues[0];
  const param = String(i.path[0] ?? "query");
  throw new KeelError("invalid_request", `Invalid query parameter '${param}': ${i.message}.`, { param });
}

const KEY_OF: Record<SpendDimension, string> = { day: "day", key: "key_id", user: "user", team: "team", feature: "feature", model: "model" };

function groupView(g: SpendGroup): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [d, v] of Object.entries(g.by)) out[KEY_OF[d as SpendDimension]] = v;
  return { ...out, ...totalsView(g) };
}

function totalsView(t: SpendTotals): Record<string, number> {
  return { requests: t.requests, tokens_in: t.tokensIn, tokens_out: t.tokensOut, cost_usd: Math.round(t.costUsd * 1e9) / 1e9 };
}

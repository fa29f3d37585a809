import type { IncomingMessage } from "node:http";
import { z } from "zod";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import type { AdminRoles } from "../keys/roles.js";
import { rolloutOverridesSchema } from "../prompts/config.js";
import { labelSchema, pushItemSchema } from "../prompts/prompt-content.js";
import { DEFAULT_LABEL, type PromptService } from "../prompts/prompt-service.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { reasonOf, roleRoute } from "./actor.js";
import { labelView, rolloutView, versionView } from "./prompt-views.js";
import { parseQuery } from "./query.js";

const MAX_PUSH_BYTES = 16 * 1024 * 1024;
const reason = z.string().max(1000).optional();
const version = z.int().min(1).max(999_999_999);
const versionParam = z.coerce.number().int().min(1).max(999_999_999);

const pushBody = z.strictObject({
  prompts: z.array(pushItemSchema).min(1).max(1000),
  dry_run: z.boolean().default(false),
  /** Commit message for prompts that do not carry their own. */
  message: z.string().max(2000).optional(),
  /** Include each change's unified diff. */
  diff: z.boolean().default(false),
  reason,
});
const labelBody = z.strictObject({ version, expected_version: version.nullable().optional(), reason });
const rollbackBody = z.strictObject({ label: labelSchema.default(DEFAULT_LABEL), to: version.optional(), reason });
const rolloutStart = rolloutOverridesSchema.extend({ label: labelSchema.default(DEFAULT_LABEL), to_version: version, reason });
const promoteBody = z.strictObject({ complete: z.boolean().default(false), reason });
const abortBody = z.strictObject({ reason });
const scoreBody = z.strictObject({ trace_id: z.string().min(1).max(128), name: z.string().min(1).max(64).regex(/^[\w.:-]+$/), value: z.number().finite() });
const getQuery = z.strictObject({ label: labelSchema.optional(), version: versionParam.optional(), user: z.string().min(1).max(256).optional() });
const diffQuery = z.strictObject({ from: versionParam, to: versionParam });

/**
 * /api/v1/prompts: the registry over HTTP. The admin token may do everything; an editor token
 * (KEEL_EDITOR_TOKEN) may read, push and move labels that are not protected. Every change names
 * its actor (`x-keel-actor`) and may give a reason (body `reason` or `x-keel-reason`).
 */
export function registerPromptRoutes(router: Router, roles: AdminRoles, prompts: PromptService): void {
  const r = (method: string, path: string, fn: Parameters<typeof roleRoute>[1]): void => void router.add(method, path, roleRoute(roles, fn));
  const body = async <T extends z.ZodType>(req: IncomingMessage, schema: T, max = 64 * 1024): Promise<z.output<T>> => {
    // An empty body is fine where every field is optional.
    const raw = req.headers["content-length"] === "0" ? {} : await readJsonBody(req, max).catch((err: unknown) => {
      if (err instanceof KeelError && err.code === "invalid_json" && /empty/.test(err.message)) return {};
      throw err;
    });
    return validateBody(schema, raw);
  };

  r("GET", "/api/v1/prompts", (_req, res) => sendJson(res, 200, { data: prompts.list() }));

  r("POST", "/api/v1/prompts", async (req, res, _p, _q, actor) => {
    const b = await body(req, pushBody, MAX_PUSH_BYTES);
    const changes = prompts.push(b.prompts, { dryRun: b.dry_run, message: b.message ?? null, withDiff: b.diff, actor, reason: reasonOf(req, b.reason) });
    sendJson(res, b.dry_run ? 200 : changes.some((c) => c.action !== "unchanged" || c.labels.length > 0) ? 201 : 200, { dry_run: b.dry_run, changes });
  });

  // The served form of a prompt — includes inlined, variables listed — for apps that render
  // client-side. The ETag covers everything in the body, so If-None-Match answers 304 until the
  // label moves (or an included prompt's label does).
  r("GET", "/api/v1/prompts/:name", (req, res, p, query) => {
    const q = parseQuery(getQuery, query);
    if (q.label !== undefined && q.version !== undefined) throw new KeelError("invalid_request", "Give label or version, not both.", { param: "version" });
    // With `user`, a running rollout picks that user's arm; without, the label's own version.
    const resolved = prompts.resolve({ name: p.name, label: q.label, version: q.version }, q.user ?? null);
    const etag = resolved.compiled.etag;
    res.setHeader("etag", etag);
    res.setHeader("cache-control", "no-cache");
    if (matches(req.headers["if-none-match"], etag)) return void res.writeHead(304).end();
    const rollout = resolved.rollout ? { id: resolved.rollout.rolloutId, arm: resolved.rollout.arm } : null;
    sendJson(res, 200, { ...resolved.compiled.view, label: resolved.label, rollout });
  });

  r("GET", "/api/v1/prompts/:name/versions", (_req, res, p) => {
    prompts.mustExist(p.name);
    const labels = prompts.registry.labels(p.name);
    sendJson(res, 200, { data: prompts.registry.versions(p.name).reverse().map((v) => versionView(v, labels)) });
  });
  r("GET", "/api/v1/prompts/:name/versions/:version", (_req, res, p) => {
    const v = prompts.version(p.name, parseVersion(p.version));
    sendJson(res, 200, versionView(v, prompts.registry.labels(p.name)));
  });
  r("GET", "/api/v1/prompts/:name/diff", (_req, res, p, query) => {
    const q = parseQuery(diffQuery, query);
    sendJson(res, 200, { name: p.name, from: q.from, to: q.to, ...prompts.diff(p.name, q.from, q.to) });
  });

  r("GET", "/api/v1/prompts/:name/labels", (_req, res, p) => {
    prompts.mustExist(p.name);
    sendJson(res, 200, { data: prompts.registry.labels(p.name).map(labelView), protected: prompts.registry.labels(p.name).filter((l) => prompts.isProtected(l.label)).map((l) => l.label) });
  });
  r("PUT", "/api/v1/prompts/:name/labels/:label", async (req, res, p, _q, actor) => {
    const label = parseLabel(p.label);
    const b = await body(req, labelBody);
    const moved = prompts.setLabel(p.name, label, b.version, { expected: b.expected_version, actor, reason: reasonOf(req, b.reason) });
    sendJson(res, 200, { name: p.name, label, from_version: moved.from, version: moved.to });
  });
  r("DELETE", "/api/v1/prompts/:name/labels/:label", async (req, res, p, _q, actor) => {
    const label = parseLabel(p.label);
    const b = await body(req, abortBody);
    const d = prompts.deleteLabel(p.name, label, { actor, reason: reasonOf(req, b.reason) });
    sendJson(res, 200, { name: p.name, label, from_version: d.from, version: null });
  });

  r("POST", "/api/v1/prompts/:name/rollback", async (req, res, p, _q, actor) => {
    const b = await body(req, rollbackBody);
    const done = prompts.rollback(p.name, b.label, { to: b.to, actor, reason: reasonOf(req, b.reason) });
    sendJson(res, 200, { name: p.name, label: b.label, from_version: done.from, version: done.to, via: done.via });
  });

  r("GET", "/api/v1/prompts/:name/rollouts", (_req, res, p) => {
    prompts.mustExist(p.name);
    sendJson(res, 200, { data: prompts.rollouts.history(p.name).map((x) => rolloutView(x)) });
  });
  r("POST", "/api/v1/prompts/:name/rollouts", async (req, res, p, _q, actor) => {
    const { label, to_version, reason: why, ...overrides } = await body(req, rolloutStart);
    const rec = prompts.startRollout(p.name, label, to_version, overrides, { actor, reason: reasonOf(req, why) });
    sendJson(res, 201, rolloutView(rec));
  });
  r("GET", "/api/v1/prompts/:name/rollouts/:label", (_req, res, p) => {
    prompts.mustExist(p.name);
    const s = prompts.rollouts.status(p.name, parseLabel(p.label));
    if (!s) throw new KeelError("not_found", `No rollout on ${p.name}@${p.label}.`, { param: "label" });
    sendJson(res, 200, rolloutView(s.rollout, s.comparison));
  });
  r("POST", "/api/v1/prompts/:name/rollouts/:label/promote", async (req, res, p, _q, actor) => {
    const b = await body(req, promoteBody);
    sendJson(res, 200, rolloutView(prompts.promoteRollout(p.name, parseLabel(p.label), b.complete, { actor, reason: reasonOf(req, b.reason) })));
  });
  r("POST", "/api/v1/prompts/:name/rollouts/:label/abort", async (req, res, p, _q, actor) => {
    const b = await body(req, abortBody);
    sendJson(res, 200, rolloutView(prompts.abortRollout(p.name, parseLabel(p.label), { actor, reason: reasonOf(req, b.reason) })));
  });

  // Eval, judge and feedback scores for a call, by its trace id: counted when the call was on a running rollout.
  r("POST", "/api/v1/rollouts/scores", async (req, res) => {
    const b = await body(req, scoreBody);
    sendJson(res, 200, { trace_id: b.trace_id, counted: prompts.rollouts.score(b.trace_id, b.name, b.value) });
  });
}

function parseLabel(raw: string): string {
  const r = labelSchema.safeParse(raw);
  if (!r.success) throw new KeelError("invalid_request", `Invalid label '${raw.slice(0, 64)}': ${r.error.issues[0].message}.`, { param: "label" });
  return r.data;
}

function parseVersion(raw: string): number {
  const r = versionParam.safeParse(raw);
  if (!r.success) throw new KeelError("invalid_request", `Invalid version '${raw.slice(0, 16)}'.`, { param: "version" });
  return r.data;
}

/** RFC 9110 §13.1.2: a list of entity tags, or `*`; weak comparison (a `W/` prefix is ignored). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((t) => {
    const tag = t.trim();
    return tag === "*" || tag.replace(/^W\//, "") === etag;
  });
}

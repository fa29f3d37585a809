import { z } from "zod";
import { validateBody } from "../api/validate.js";
import type { AuditSink } from "../audit/types.js";
import { KeelError } from "../errors/errors.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { PurgeFilter, PurgeResult } from "../observe/sqlite-trace-purge-store.js";
import { readJsonBody } from "../server/body.js";
import { sendJson } from "../server/respond.js";
import type { Router } from "../server/router.js";
import { actorOf, reasonOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";

const time = z.union([z.iso.datetime({ offset: true }), z.int().min(0)]).transform((v) => (typeof v === "number" ? v : Date.parse(v)));
const purgeBody = z.strictObject({
  user: z.string().min(1).max(128).optional(),
  key: z.string().min(1).max(128).optional(),
  feature: z.string().min(1).max(128).optional(),
  /** ISO time or epoch ms, inclusive. */
  since: time.optional(),
  /** ISO time or epoch ms, exclusive. */
  until: time.optional(),
  dry_run: z.boolean().default(false),
  reason: z.string().max(1000).optional(),
});

export interface PurgeDeps {
  auth: AdminAuth;
  /** Runs in the writer worker (its connection, off the event loop). */
  purge: (filter: PurgeFilter, dryRun: boolean) => Promise<PurgeResult>;
  /** Queued traces are written first, so a call just made is purged too. */
  flushTraces: () => Promise<void>;
  audit: AuditSink;
  /** Names the data subject in the audit log without storing the id (secrets/pii-hash.ts). */
  subject: (user: string) => string;
}

/** `POST /api/v1/traces/purge` (admin token): erase a data subject's traces and the rows made from them. */
export function registerTracePurgeRoute(router: Router, d: PurgeDeps): void {
  router.add("POST", "/api/v1/traces/purge", adminRoute(d.auth, async (req, res) => {
    const actor = actorOf(req, "admin");
    const b = validateBody(purgeBody, await readJsonBody(req, 16 * 1024));
    if (b.user === undefined && b.key === undefined && b.feature === undefined && b.since === undefined && b.until === undefined) {
      throw new KeelError("invalid_request", "A purge needs at least one of 'user', 'key', 'feature', 'since', 'until'.", { param: "user" });
    }
    if (b.since !== undefined && b.until !== undefined && b.since >= b.until) {
      throw new KeelError("invalid_request", "'since' must be before 'until'.", { param: "since" });
    }
    await d.flushTraces();
    const filter: PurgeFilter = { user: b.user, keyId: b.key, feature: b.feature, since: b.since, until: b.until };
    const r = await d.purge(filter, b.dry_run);
    const described = {
      ...(b.user !== undefined ? { user: d.subject(b.user) } : {}),
      ...(b.key !== undefined ? { key: b.key } : {}),
      ...(b.feature !== undefined ? { feature: b.feature } : {}),
      ...(b.since !== undefined ? { since: new Date(b.since).toISOString() } : {}),
      ...(b.until !== undefined ? { until: new Date(b.until).toISOString() } : {}),
    };
    const answer = { dry_run: r.dryRun, filter: described, deleted: r.deleted, dataset_items_not_purged: r.datasetItems };
    if (!r.dryRun) {
      const target = Object.entries(described).map(([k, v]) => `${k}=${v}`).join(" ");
      d.audit.record({ actor: actor.name, role: actor.role, action: "traces.purged", targetType: "traces", target, after: answer, reason: reasonOf(req, b.reason) });
    }
    sendJson(res, 200, answer);
  }));
}

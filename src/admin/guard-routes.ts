import { z } from "zod";
import { validateBody } from "../api/validate.js";
import { KeelError } from "../errors/errors.js";
import type { GuardService } from "../guard/policy/guard-service.js";
import { scanText } from "../guard/scan-text.js";
import type { VerdictStore } from "../observe/verdict-store.js";
import { fpKey, type GuardReviewStore } from "../guard/review/review-store.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { KeyService } from "../keys/key-service.js";
import type { TraceWriter } from "../observe/trace-writer.js";
import { readJsonBody } from "../server/body.js";
import { sendError, sendJson } from "../server/respond.js";
import type { Handler, Router } from "../server/router.js";
import { adminRoute } from "./admin-route.js";

const scanBody = z.strictObject({
  text: z.string().max(4_000_000),
  source: z.enum(["user", "document", "tool_result", "output"]).default("user"),
  /** A named policy; default: the policy the caller's key is assigned (a virtual key) or the default for the source's stage. */
  policy: z.string().min(1).max(64).optional(),
});

const time = z.union([z.iso.datetime({ offset: true }), z.string().regex(/^\d{10,13}$/)]).transform((v) => (/^\d+$/.test(v) ? (v.length === 10 ? Number(v) * 1000 : Number(v)) : Date.parse(v)));
const statsQuery = z.strictObject({ since: time.optional(), until: time.optional(), route: z.string().max(256).optional(), scanner: z.string().max(64).optional() });

export interface GuardRouteDeps {
  auth: AdminAuth;
  keys: KeyService;
  guard: GuardService;
  verdicts: VerdictStore;
  traceWriter: TraceWriter;
  /** The false-positive review list: `stats` rows then carry `false_positives`. */
  reviews?: GuardReviewStore;
}

/**
 * /api/v1/guard/*. `scan` accepts the admin token or a virtual key: applications screen their
 * retrieved documents and tool results with the key they already hold, without an admin token
 * on the data path; with a key, the policy its assignment names applies. `stats` is admin only.
 */
export function registerGuardRoutes(router: Router, d: GuardRouteDeps): void {
  router.add("POST", "/api/v1/guard/scan", adminOrKey(d, async (req, res, keyed) => {
    const body = validateBody(scanBody, await readJsonBody(req, 8 * 1024 * 1024));
    let policy = body.policy;
    if (!policy && keyed) {
      const resolved = d.guard.resolve({ model: "", feature: null, keyId: keyed.keyId, keyName: keyed.keyName });
      policy = (body.source === "output" ? resolved.output : resolved.input)?.name;
    }
    if (policy && !d.guard.policy(policy)) throw new KeelError("invalid_request", `No guard policy named "${policy.slice(0, 64)}".`, { param: "policy" });
    sendJson(res, 200, await scanText(d.guard, { text: body.text, source: body.source, policy }));
  }));
  router.add("GET", "/api/v1/guard/stats", adminRoute(d.auth, async (_req, res, _p, query) => {
    await d.traceWriter.flush();
    const parsed = statsQuery.safeParse(Object.fromEntries(query));
    if (!parsed.success) {
      const param = String(parsed.error.issues[0].path[0] ?? "query");
      throw new KeelError("invalid_request", `Invalid query parameter '${param}': ${parsed.error.issues[0].message}.`, { param });
    }
    const q = parsed.data;
    // Open and confirmed marks on traces in the same range, next to the trigger rate they discount.
    const fps = d.reviews?.falsePositives(q);
    const data = d.verdicts.stats(q).map((r) => (fps ? { ...r, false_positives: fps.get(fpKey(r.scanner, r.route)) ?? 0 } : r));
    sendJson(res, 200, { data, since: q.since ? new Date(q.since).toISOString() : null, until: q.until ? new Date(q.until).toISOString() : null });
  }));
}

type KeyedHandler = (req: Parameters<Handler>[0], res: Parameters<Handler>[1], keyed: { keyId: string; keyName: string } | null) => Promise<void>;

function adminOrKey(d: GuardRouteDeps, fn: KeyedHandler): Handler {
  return async (req, res) => {
    try {
      let keyed: { keyId: string; keyName: string } | null = null;
      try {
        d.auth.check(req.headers.authorization);
      } catch (adminErr) {
        const token = req.headers.authorization?.slice(7).trim() ?? "";
        if (!token.startsWith("sk-")) throw adminErr;
        const p = d.keys.authenticate(req.headers.authorization);
        keyed = { keyId: p.keyId, keyName: p.keyName };
      }
      await fn(req, res, keyed);
    } catch (err) {
      req.resume();
      sendError(res, err);
    }
  };
}

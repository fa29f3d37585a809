import { z } from "zod";
import { gatherEvidence } from "../doctor/evidence.js";
import { assess } from "../doctor/maturity.js";
import { KeelError } from "../errors/errors.js";
import type { AdminAuth } from "../keys/admin-token.js";
import { inject } from "../server/inject.js";
import { sendJson } from "../server/respond.js";
import type { Router } from "../server/router.js";
import { adminRoute } from "./admin-route.js";
import { parseQuery } from "./query.js";

const doctorQuery = z.strictObject({ window: z.coerce.number().int().min(1).max(365).default(7) });

/**
 * GET /api/v1/doctor: the `keel doctor` report (docs/doctor.md) — level, criteria with evidence,
 * next steps, supply chain. Its evidence is the admin API's own GETs, run in process with the
 * caller's credential, so the report is the CLI's, judged from the figures the caller can read.
 */
export function registerDoctorRoute(router: Router, auth: AdminAuth): void {
  router.add("GET", "/api/v1/doctor", adminRoute(auth, async (req, res, _p, query) => {
    const { window } = parseQuery(doctorQuery, query);
    const headers = { authorization: req.headers.authorization ?? "", "x-keel-actor": "doctor" };
    const get = async <T>(path: string): Promise<T> => {
      const r = await inject(router, "GET", path, headers);
      if (r.status !== 200) throw new KeelError("internal_error", `The doctor could not read ${path.split("?")[0]} (HTTP ${r.status}).`);
      return JSON.parse(r.body) as T;
    };
    sendJson(res, 200, { window_days: window, ...assess(await gatherEvidence(get, window)) });
  }));
}

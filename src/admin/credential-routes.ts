import type { AuditSink } from "../audit/types.js";
import type { CredentialService } from "../credentials/credential-service.js";
import { putCredentialInput } from "../credentials/credential-service.js";
import { validateBody } from "../api/validate.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { actorOf, reasonOf } from "./actor.js";
import { adminRoute } from "./admin-route.js";

/** /api/v1/credentials: provider API keys stored encrypted; values are write-only. */
export function registerCredentialRoutes(router: Router, auth: AdminAuth, creds: CredentialService, providers: ProviderRegistry, audit?: AuditSink): void {
  router.add("GET", "/api/v1/credentials", adminRoute(auth, (_req, res) => sendJson(res, 200, { data: creds.list() })));
  router.add("PUT", "/api/v1/credentials/:name", adminRoute(auth, async (req, res, p) => {
    const actor = actorOf(req, "admin");
    const { value } = validateBody(putCredentialInput, await readJsonBody(req, 64 * 1024));
    const before = creds.list().find((c) => c.name === p.name) ?? null;
    const view = creds.put(p.name, value);
    // Names and four-character hints only: the audit log never holds a secret.
    audit?.record({ actor: actor.name, role: actor.role, action: "credential.set", targetType: "credential", target: view.name, before, after: view, reason: reasonOf(req) });
    const reloaded = await providers.refreshCredential(view.name);
    sendJson(res, 200, { ...view, providers_reloaded: reloaded });
  }));
  router.add("DELETE", "/api/v1/credentials/:name", adminRoute(auth, async (req, res, p) => {
    const actor = actorOf(req, "admin");
    const before = creds.list().find((c) => c.name === p.name) ?? null;
    creds.delete(p.name);
    audit?.record({ actor: actor.name, role: actor.role, action: "credential.deleted", targetType: "credential", target: p.name, before, reason: reasonOf(req) });
    // A provider must stop using a deleted key: rebuilt, it answers 503 naming the credential to set.
    await providers.refreshCredential(p.name);
    res.writeHead(204).end();
  }));
}

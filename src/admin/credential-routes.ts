import type { CredentialService } from "../credentials/credential-service.js";
import { putCredentialInput } from "../credentials/credential-service.js";
import { validateBody } from "../api/validate.js";
import type { AdminAuth } from "../keys/admin-token.js";
import type { ProviderRegistry } from "../providers/registry.js";
import { readJsonBody } from "../server/body.js";
import type { Router } from "../server/router.js";
import { sendJson } from "../server/respond.js";
import { adminRoute } from "./admin-route.js";

/** /api/v1/credentials: provider API keys stored encrypted; values are write-only. */
export function registerCredentialRoutes(router: Router, auth: AdminAuth, creds: CredentialService, providers: ProviderRegistry): void {
  router.add("GET", "/api/v1/credentials", adminRoute(auth, (_req, res) => sendJson(res, 200, { data: creds.list() })));
  router.add("PUT", "/api/v1/credentials/:name", adminRoute(auth, async (req, res, p) => {
    const { value } = validateBody(putCredentialInput, await readJsonBody(req, 64 * 1024));
    const view = creds.put(p.name, value);
    const reloaded = await providers.refreshCredential(view.name);
    sendJson(res, 200, { ...view, providers_reloaded: reloaded });
  }));
  router.add("DELETE", "/api/v1/credentials/:name", adminRoute(auth, (_req, res, p) => {
    creds.delete(p.name);
    res.writeHead(204).end();
  }));
}

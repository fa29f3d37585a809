import { KeelError } from "../errors/errors.js";
import { generateToken, hashToken, timingSafeEqualHex } from "../secrets/fingerprint.js";
import type { SettingsStore } from "../store/settings-store.js";
import type { ViewerIdentity } from "./types.js";
import { bearerToken } from "./bearer.js";

const SETTING = "admin_token_sha256";
export const ADMIN_PREFIX = "keel-admin-";

/** Resolves `Authorization` to an active viewer key, else null (KeyService.viewerFor). */
export type ViewerLookup = (authorization: string | undefined) => ViewerIdentity | null;

/** Who passed the admin API's gate: the admin token, or a viewer key (which may only read). */
export type AdminCaller =
  | { readonly role: "admin"; readonly keyId: null; readonly name: null }
  | { readonly role: "viewer"; readonly keyId: string; readonly name: string };

const ADMIN: AdminCaller = Object.freeze({ role: "admin", keyId: null, name: null });

/** GET and HEAD change nothing, so they are all a viewer key may send to the admin API. */
export const isReadMethod = (method: string | undefined): boolean => method === "GET" || method === "HEAD";

/** The 403 for a viewer key attempting a write: it is a valid credential, just not for this. */
export function viewerCannotWrite(keyId: string, method: string | undefined): KeelError {
  return new KeelError("forbidden", `API key ${keyId} has the viewer role: it may only read (GET) the admin API; ${method ?? "this"} needs the admin token.`);
}

/**
 * The admin token guards /api/v1/*. From KEEL_ADMIN_TOKEN when set; otherwise generated on first
 * start and stored only as a hash, so `created` is the one moment its plaintext exists.
 */
export class AdminAuth {
  private viewers: ViewerLookup = () => null;

  private constructor(private readonly hash: string) {}

  /** Lets viewer keys read the admin API; app.ts wires in KeyService.viewerFor. */
  acceptViewers(lookup: ViewerLookup): void {
    this.viewers = lookup;
  }

  static init(settings: SettingsStore, envToken: string | undefined): { auth: AdminAuth; created?: string } {
    if (envToken) return { auth: new AdminAuth(hashToken(envToken)) };
    const stored = settings.get(SETTING);
    if (stored) return { auth: new AdminAuth(stored) };
    const token = generateToken(ADMIN_PREFIX);
    settings.set(SETTING, hashToken(token));
    return { auth: new AdminAuth(hashToken(token)), created: token };
  }

  check(authorization: string | undefined): void {
    const token = bearerToken(authorization);
    if (!token) throw new KeelError("invalid_admin_token", "Missing admin token: send 'Authorization: Bearer <admin token>'.");
    if (token.length > 256 || !timingSafeEqualHex(hashToken(token), this.hash)) {
      throw new KeelError("invalid_admin_token", "Invalid admin token.");
    }
  }

  /**
   * The gate of every adminRoute: the admin token for any method, an active viewer key for GET
   * and HEAD only (a 403 naming the role for anything else), the admin token's 401 otherwise.
   */
  authorize(authorization: string | undefined, method: string | undefined): AdminCaller {
    try {
      this.check(authorization);
      return ADMIN;
    } catch (err) {
      const viewer = this.viewers(authorization);
      if (!viewer) throw err;
      if (!isReadMethod(method)) throw viewerCannotWrite(viewer.keyId, method);
      return { role: "viewer", keyId: viewer.keyId, name: viewer.name };
    }
  }
}

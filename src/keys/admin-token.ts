import { KeelError } from "../errors/errors.js";
import { generateToken, hashToken, timingSafeEqualHex } from "../secrets/fingerprint.js";
import type { SettingsStore } from "../store/settings-store.js";

const SETTING = "admin_token_sha256";
export const ADMIN_PREFIX = "keel-admin-";

/**
 * The admin token guards /api/v1/*. From KEEL_ADMIN_TOKEN when set; otherwise generated on first
 * start and stored only as a hash, so `created` is the one moment its plaintext exists.
 */
export class AdminAuth {
  private constructor(private readonly hash: string) {}

  static init(settings: SettingsStore, envToken: string | undefined): { auth: AdminAuth; created?: string } {
    if (envToken) return { auth: new AdminAuth(hashToken(envToken)) };
    const stored = settings.get(SETTING);
    if (stored) return { auth: new AdminAuth(stored) };
    const token = generateToken(ADMIN_PREFIX);
    settings.set(SETTING, hashToken(token));
    return { auth: new AdminAuth(hashToken(token)), created: token };
  }

  check(authorization: string | undefined): void {
    const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
    if (!token) throw new KeelError("invalid_admin_token", "Missing admin token: send 'Authorization: Bearer <admin token>'.");
    if (token.length > 256 || !timingSafeEqualHex(hashToken(token), this.hash)) {
      throw new KeelError("invalid_admin_token", "Invalid admin token.");
    }
  }
}

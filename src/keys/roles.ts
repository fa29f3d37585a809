import { KeelError } from "../errors/errors.js";
import { hashToken, timingSafeEqualHex } from "../secrets/fingerprint.js";
import type { AdminAuth } from "./admin-token.js";

/**
 * Roles on the admin API, kept minimal: `admin` (the admin token) may do everything; `editor`
 * (KEEL_EDITOR_TOKEN, when set) may read prompts, push versions and move unprotected labels —
 * what a CI job publishing prompts needs — and nothing else.
 */
export type Role = "admin" | "editor";

/** Who made a change: the name given in `x-keel-actor` (else the role's name) and the role that allowed it. */
export interface Actor {
  readonly name: string;
  readonly role: Role;
}

export class AdminRoles {
  private readonly editorHash: string | null;

  constructor(private readonly admin: AdminAuth, editorToken: string | undefined) {
    this.editorHash = editorToken ? hashToken(editorToken) : null;
  }

  /** The role a bearer token carries; a 401 for neither. */
  roleOf(authorization: string | undefined): Role {
    try {
      this.admin.check(authorization);
      return "admin";
    } catch (err) {
      const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
      if (this.editorHash && token && token.length <= 256 && timingSafeEqualHex(hashToken(token), this.editorHash)) return "editor";
      throw err;
    }
  }
}

/** Throws the 403 unless the actor is an admin. */
export function requireAdmin(actor: Actor, what: string): void {
  if (actor.role !== "admin") throw new KeelError("forbidden", `${what} needs the admin role (the admin token); this token has the '${actor.role}' role.`);
}

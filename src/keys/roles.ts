import { KeelError } from "../errors/errors.js";
import { hashToken, timingSafeEqualHex } from "../secrets/fingerprint.js";
import type { AdminAuth } from "./admin-token.js";
import { bearerToken } from "./bearer.js";

/**
 * Roles on the admin API, kept minimal: `admin` (the admin token) may do everything; `editor`
 * (KEEL_EDITOR_TOKEN, when set) may read prompts, push versions and move unprotected labels —
 * what a CI job publishing prompts needs — and nothing else; `viewer` (a virtual key created with
 * the viewer role) may make GET and HEAD calls only — the read-only dashboard login.
 */
export type Role = "admin" | "editor" | "viewer";

/** Who is calling, as GET /api/v1/me reports it: the key's id and name only for a viewer key. */
export interface Caller {
  readonly role: Role;
  readonly keyId: string | null;
  readonly name: string | null;
}

const EDITOR: Caller = Object.freeze({ role: "editor", keyId: null, name: null });

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

  /**
   * The caller behind a bearer token, for a request with this method: a viewer key on anything
   * but GET/HEAD is a 403; a token of no role is a 401.
   */
  callerOf(authorization: string | undefined, method: string | undefined): Caller {
    try {
      return this.admin.authorize(authorization, method);
    } catch (err) {
      const token = bearerToken(authorization);
      if (this.editorHash && token && token.length <= 256 && timingSafeEqualHex(hashToken(token), this.editorHash)) return EDITOR;
      throw err;
    }
  }

  /** The role a bearer token carries for this method (see callerOf). */
  roleOf(authorization: string | undefined, method: string | undefined): Role {
    return this.callerOf(authorization, method).role;
  }
}

/** Throws the 403 unless the actor is an admin. */
export function requireAdmin(actor: Actor, what: string): void {
  if (actor.role !== "admin") throw new KeelError("forbidden", `${what} needs the admin role (the admin token); this token has the '${actor.role}' role.`);
}

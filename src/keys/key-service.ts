import { randomBytes } from "node:crypto";
import { z } from "zod";
import { KeelError } from "../errors/errors.js";
import { type KeyLimits, keyLimitsSchema, normalizeKeyLimits } from "../limits/key-limits.js";
import { generateToken, hashToken, tokenHint } from "../secrets/fingerprint.js";
import { parseExpiry } from "./duration.js";
import type { KeyStore, Principal, ViewerIdentity, VirtualKeyRecord, VirtualKeyView } from "./types.js";
import { bearerToken } from "./bearer.js";

export const KEY_PREFIX = "sk-keel-";

const label = z.string().min(1).max(128).regex(/^[\w.@:/ -]+$/, "letters, digits, spaces and . _ - @ : / only");

export const createKeyInput = z.strictObject({
  name: label,
  models: z.array(z.string().min(1).max(256)).min(1).max(256).optional(),
  expires: z.string().min(1).max(64).optional(),
  user: label.optional(),
  team: label.optional(),
  metadata: z.record(z.string().max(64), z.string().max(256)).refine((m) => Object.keys(m).length <= 32, "at most 32 entries").optional(),
  /** The key's own rate limits and budgets (docs/limits.md). */
  limits: keyLimitsSchema.optional(),
  /** `gateway` (default) calls models; `viewer` only reads the admin API and dashboard (docs/keys.md#roles). */
  role: z.enum(["gateway", "viewer"]).optional(),
});
export type CreateKeyInput = z.infer<typeof createKeyInput>;

interface Entry {
  rec: VirtualKeyRecord;
  principal: Principal;
}

/**
 * Virtual keys. Every key lives in memory, indexed by hash, so authenticating a request is one
 * SHA-256 and one map lookup: the hot path never waits on storage. Writes go through here, so the
 * index and the store never disagree within one process.
 */
export class KeyService {
  private readonly byHash = new Map<string, Entry>();
  private readonly byId = new Map<string, Entry>();

  private changed: () => void = () => {};

  constructor(private readonly store: KeyStore, private readonly now: () => number = Date.now) {
    for (const rec of store.all()) this.index(rec);
  }

  /** Called after each write this instance makes (the change feed tells the other instances). */
  onChanged(fn: () => void): void {
    this.changed = fn;
  }

  /**
   * Re-reads every key from the store: another instance created, revoked or re-limited one. Runs
   * synchronously, so no request sees a half-built index.
   */
  reload(): void {
    const all = this.store.all();
    this.byHash.clear();
    this.byId.clear();
    for (const rec of all) this.index(rec);
  }

  /** Creates a key and returns its secret — the only time it exists outside the caller's hands. */
  create(input: CreateKeyInput): { key: string; view: VirtualKeyView } {
    const role = input.role ?? "gateway";
    // A viewer never calls a model, so model lists and limits on it would only mislead.
    if (role === "viewer") {
      for (const param of ["models", "limits"] as const) {
        if (input[param] !== undefined) throw new KeelError("invalid_request", `A viewer key cannot call models, so '${param}' does not apply to it.`, { param });
      }
    }
    const now = this.now();
    let expiresAt: number | null = null;
    if (input.expires) {
      try {
        expiresAt = parseExpiry(input.expires, now);
      } catch (err) {
        throw new KeelError("invalid_request", (err as Error).message, { param: "expires" });
      }
    }
    const key = generateToken(KEY_PREFIX);
    const rec: VirtualKeyRecord = {
      id: `key_${randomBytes(9).toString("base64url")}`,
      name: input.name,
      hash: hashToken(key),
      hint: tokenHint(key),
      models: input.models ?? null,
      user: input.user ?? null,
      team: input.team ?? null,
      createdAt: now,
      expiresAt,
      revokedAt: null,
      metadata: input.metadata ?? {},
      limits: normalizeKeyLimits(input.limits),
      role,
    };
    this.store.insert(rec);
    this.index(rec);
    this.changed();
    return { key, view: this.view(rec) };
  }

  list(): VirtualKeyView[] {
    return [...this.byId.values()].map((e) => this.view(e.rec));
  }

  get(id: string): VirtualKeyView | undefined {
    const e = this.byId.get(id);
    return e ? this.view(e.rec) : undefined;
  }

  revoke(id: string): VirtualKeyView {
    const e = this.byId.get(id) ?? this.fetch(id);
    if (!e) throw new KeelError("not_found", `no key with id "${id}"`, { param: "id" });
    if (e.rec.revokedAt === null) {
      const at = this.now();
      this.store.setRevoked(id, at);
      e.rec.revokedAt = at;
      this.changed();
    }
    return this.view(e.rec);
  }

  /** Replaces a key's own limits (null or {} removes them); takes effect on its next call. */
  setLimits(id: string, limits: KeyLimits | null): VirtualKeyView {
    const e = this.byId.get(id) ?? this.fetch(id);
    if (!e) throw new KeelError("not_found", `no key with id "${id}"`, { param: "id" });
    const next = normalizeKeyLimits(limits);
    this.store.setLimits(id, next);
    e.rec.limits = next;
    this.index(e.rec);
    this.changed();
    return this.view(e.rec);
  }

  /** Resolves `Authorization: Bearer …` to a principal, or throws the precise 401. */
  authenticate(authorization: string | undefined): Principal {
    if (!authorization) throw new KeelError("missing_api_key", "Missing API key: send it as 'Authorization: Bearer <key>'.");
    const token = bearerToken(authorization);
    if (!token) throw new KeelError("missing_api_key", "Missing API key: the Authorization header must be 'Bearer <key>'.");
    const e = token.length <= 256 ? this.byHash.get(hashToken(token)) : undefined;
    // The message never echoes the token, not even in part.
    if (!e) throw new KeelError("invalid_api_key", "Invalid API key.");
    if (e.rec.revokedAt !== null) throw new KeelError("revoked_api_key", `API key ${e.rec.id} has been revoked.`);
    if (e.rec.expiresAt !== null && e.rec.expiresAt <= this.now()) {
      throw new KeelError("expired_api_key", `API key ${e.rec.id} expired at ${new Date(e.rec.expiresAt).toISOString()}.`);
    }
    if (e.rec.role === "viewer") throw new KeelError("forbidden", `API key ${e.rec.id} has the viewer role: it reads the admin API and dashboard and cannot call models.`);
    return e.principal;
  }

  /**
   * The active (not revoked, not expired) viewer key behind `Authorization: Bearer …`, else null —
   * the admin API's lookup, one hash and one map read like authenticate, never a 401 of its own.
   */
  viewerFor(authorization: string | undefined): ViewerIdentity | null {
    const token = bearerToken(authorization);
    if (!token.startsWith(KEY_PREFIX) || token.length > 256) return null;
    const e = this.byHash.get(hashToken(token));
    if (!e || e.rec.role !== "viewer" || e.rec.revokedAt !== null) return null;
    if (e.rec.expiresAt !== null && e.rec.expiresAt <= this.now()) return null;
    return { keyId: e.rec.id, name: e.rec.name };
  }

  /** A key this instance has not heard of yet (made on another instance a moment ago): read it from the store. */
  private fetch(id: string): Entry | undefined {
    const rec = id.length <= 64 ? this.store.get(id) : undefined;
    if (!rec) return undefined;
    this.index(rec);
    return this.byId.get(id);
  }

  private index(rec: VirtualKeyRecord): void {
    const entry: Entry = {
      rec,
      principal: Object.freeze({
        keyId: rec.id, keyName: rec.name, user: rec.user, team: rec.team,
        models: rec.models ? new Set(rec.models) : null,
        limits: rec.limits,
      }),
    };
    this.byHash.set(rec.hash, entry);
    this.byId.set(rec.id, entry);
  }

  private view(r: VirtualKeyRecord): VirtualKeyView {
    const now = this.now();
    return {
      id: r.id, name: r.name, hint: `${KEY_PREFIX}…${r.hint}`, models: r.models, user: r.user, team: r.team,
      created_at: new Date(r.createdAt).toISOString(),
      expires_at: r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(),
      revoked_at: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
      status: r.revokedAt !== null ? "revoked" : r.expiresAt !== null && r.expiresAt <= now ? "expired" : "active",
      metadata: r.metadata,
      limits: r.limits,
      role: r.role,
    };
  }
}

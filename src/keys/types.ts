import type { KeyLimits } from "../limits/key-limits.js";

/**
 * What a key is for: `gateway` keys call models (the default); `viewer` keys only read the admin
 * API and the dashboard, so a read-only login never needs the admin token (docs/keys.md#roles).
 */
export type KeyRole = "gateway" | "viewer";

/** A virtual key as stored: only its hash and a four-character hint survive creation. */
export interface VirtualKeyRecord {
  id: string;
  name: string;
  hash: string;
  hint: string;
  /** Models (public names or aliases) the key may call; null means all. */
  models: string[] | null;
  user: string | null;
  team: string | null;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  metadata: Record<string, string>;
  /** The key's own rate limits and budgets (docs/limits.md); null = the configured rules only. */
  limits: KeyLimits | null;
  role: KeyRole;
}

/** What the API returns about a key: never the hash. */
export interface VirtualKeyView {
  id: string;
  name: string;
  hint: string;
  models: string[] | null;
  user: string | null;
  team: string | null;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  status: "active" | "revoked" | "expired";
  metadata: Record<string, string>;
  limits: KeyLimits | null;
  role: KeyRole;
}

/** What a viewer key resolves to on the admin API: enough to say who is reading. */
export interface ViewerIdentity {
  readonly keyId: string;
  readonly name: string;
}

/** The caller behind a request, resolved from its key once, at admission. */
export interface Principal {
  readonly keyId: string;
  readonly keyName: string;
  readonly user: string | null;
  readonly team: string | null;
  /** null = every model. */
  readonly models: ReadonlySet<string> | null;
  readonly limits: KeyLimits | null;
}

export interface KeyStore {
  insert(rec: VirtualKeyRecord): void;
  all(): VirtualKeyRecord[];
  get(id: string): VirtualKeyRecord | undefined;
  setRevoked(id: string, at: number): boolean;
  setLimits(id: string, limits: KeyLimits | null): boolean;
}

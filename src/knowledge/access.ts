import type { FileRecord, StoreAccess, VectorStoreRecord, Viewer } from "./types.js";

/**
 * Who calls the files and vector store API: a virtual key (its id and team), or the admin token,
 * which sees every store (the admin override). docs/knowledge.md#access.
 */
export type KnowledgeCaller = { readonly kind: "admin" } | { readonly kind: "key"; readonly keyId: string; readonly team: string | null };

export const ADMIN_CALLER: KnowledgeCaller = Object.freeze({ kind: "admin" });

/** What a route needs of a store: `read` (get, list files, search) or `write` (update, delete, attach, detach). */
export type StoreNeed = "read" | "write";

export const NO_SHARING: StoreAccess = Object.freeze({ keys: [], teams: [] }) as StoreAccess;

/** The listing filter for a caller: none for the admin token. */
export function viewerOf(c: KnowledgeCaller): Viewer | undefined {
  return c.kind === "admin" ? undefined : { keyId: c.keyId, team: c.team };
}

/** Same tenant: the key that created it, or any key of the creator's team when it had one. */
function sameTenant(c: { keyId: string; team: string | null }, ownerKey: string, ownerTeam: string | null): boolean {
  return c.keyId === ownerKey || (ownerTeam !== null && c.team === ownerTeam);
}

/**
 * Pure: may the caller do `need` to the store? Its tenant and the admin token may do anything; a
 * key or team on the share list may read and search. A store without an owner (created before
 * stores were scoped, or with the admin token) is open to every key, as it was — unless it has a
 * share list, which then names its only readers.
 */
export function mayUseStore(c: KnowledgeCaller, vs: Pick<VectorStoreRecord, "owner" | "access">, need: StoreNeed): boolean {
  if (c.kind === "admin") return true;
  const shared = vs.access.keys.length > 0 || vs.access.teams.length > 0;
  if (vs.owner === null ? !shared : sameTenant(c, vs.owner.keyId, vs.owner.team)) return true;
  if (need === "write") return false;
  return vs.access.keys.includes(c.keyId) || (c.team !== null && vs.access.teams.includes(c.team));
}

/** Pure: a file is its uploader's tenant's (and the admin token's); one without an owner is everyone's. */
export function mayUseFile(c: KnowledgeCaller, f: Pick<FileRecord, "owner" | "ownerTeam">): boolean {
  return c.kind === "admin" || f.owner === null || sameTenant(c, f.owner, f.ownerTeam);
}

import { z } from "zod";
import { KeelError } from "../errors/errors.js";
import { decryptSecret, encryptSecret } from "../secrets/cipher.js";
import { tokenHint } from "../secrets/fingerprint.js";
import type { CredentialStore } from "./credential-store.js";

export const credentialName = z.string().min(1).max(64).regex(/^[a-z0-9][a-z0-9_.-]*$/i, "letters, digits, . _ - only");
export const putCredentialInput = z.strictObject({ value: z.string().min(1).max(16_384) });

export interface CredentialView {
  name: string;
  hint: string;
  created_at: string;
  updated_at: string;
}

/**
 * Provider credentials, encrypted at rest with the master key (AES-256-GCM, the name bound in as
 * associated data so a blob cannot be moved to another name). Values leave only to providers.
 */
export class CredentialService {
  private readonly changed: ((names: string[]) => void)[] = [];

  constructor(private readonly store: CredentialStore, private readonly masterKey: Buffer, private readonly now: () => number = Date.now) {}

  /** After a credential was set or deleted (the change feed tells other instances). */
  onChanged(fn: (names: string[]) => void): void {
    this.changed.push(fn);
  }

  private emit(name: string): void {
    for (const fn of this.changed) fn([name]);
  }

  put(name: string, value: string): CredentialView {
    const n = this.checkName(name);
    const now = this.now();
    const existing = this.store.get(n);
    this.store.put({ name: n, ciphertext: encryptSecret(this.masterKey, value, n), hint: tokenHint(value), createdAt: existing?.createdAt ?? now, updatedAt: now });
    this.emit(n);
    return this.view(this.store.get(n)!);
  }

  /** The plaintext, for building a provider. Undefined when no such credential exists. */
  reveal(name: string): string | undefined {
    const rec = this.store.get(name);
    return rec ? decryptSecret(this.masterKey, rec.ciphertext, rec.name) : undefined;
  }

  list(): CredentialView[] {
    return this.store.list().map((r) => this.view(r));
  }

  delete(name: string): void {
    if (!this.store.delete(this.checkName(name))) throw new KeelError("not_found", `No credential named "${name.slice(0, 64)}".`, { param: "name" });
    this.emit(name);
  }

  private checkName(name: string): string {
    const r = credentialName.safeParse(name);
    if (!r.success) throw new KeelError("invalid_request", `Invalid credential name: ${r.error.issues[0].message}.`, { param: "name" });
    return r.data;
  }

  private view(r: { name: string; hint: string; createdAt: number; updatedAt: number }): CredentialView {
    return { name: r.name, hint: `…${r.hint}`, created_at: new Date(r.createdAt).toISOString(), updated_at: new Date(r.updatedAt).toISOString() };
  }
}

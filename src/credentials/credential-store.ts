export interface CredentialRecord {
  name: string;
  /** AES-256-GCM blob from secrets/cipher.ts; the plaintext is never stored. */
  ciphertext: string;
  hint: string;
  createdAt: number;
  updatedAt: number;
}

export interface CredentialStore {
  put(rec: CredentialRecord): void;
  get(name: string): CredentialRecord | undefined;
  list(): CredentialRecord[];
  delete(name: string): boolean;
}

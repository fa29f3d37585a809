import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Secrets at rest (provider credentials): AES-256-GCM under the master key.
 *
 * Blob format: `v1:<iv>:<tag>:<ciphertext>`, standard base64, 12-byte random IV (NIST SP 800-38D's
 * recommended size; random IVs are safe for far more than the 2^32 encryptions a key store will
 * ever see), 16-byte tag. The version prefix leaves room for key rotation or another AEAD.
 *
 * Associated data (e.g. the credential's name) is authenticated but not stored: decrypting with a
 * different name fails, so a database writer cannot move one provider's key to another row.
 */

const VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decryption failed. The message never contains plaintext, key material or the blob. */
export class SecretDecryptionError extends Error {
  readonly code = "secret_decryption_failed";
  constructor(message: string) {
    super(message);
    this.name = "SecretDecryptionError";
  }
}

export function encryptSecret(key: Buffer, plaintext: string, associatedData?: string): string {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${VERSION}:${iv.toString("base64")}:${tag.toString("base64")}:${ciphertext.toString("base64")}`;
}

/**
 * Throws SecretDecryptionError for a malformed blob, a tampered one, the wrong key, or
 * associated data that differs from encryption time — GCM cannot tell the last three apart.
 */
export function decryptSecret(key: Buffer, blob: string, associatedData?: string): string {
  checkKey(key);
  const parts = blob.split(":");
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw new SecretDecryptionError(`encrypted secret is not in the ${VERSION}:<iv>:<tag>:<ciphertext> format`);
  }
  const [, ivB64, tagB64, ctB64] = parts;
  const iv = decodeB64(ivB64);
  const tag = decodeB64(tagB64);
  const ciphertext = decodeB64(ctB64);
  if (!iv || !tag || !ciphertext || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SecretDecryptionError("encrypted secret is malformed (bad IV, tag or ciphertext encoding)");
  }
  // authTagLength pins the tag size: without it Node accepts truncated tags, weakening forgery resistance.
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, "utf8"));
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError(
      "could not decrypt secret: wrong master key, different associated data, or the stored value was altered",
    );
  }
}

function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) throw new Error(`master key must be ${KEY_BYTES} bytes`);
}

/** Buffer.from(s, "base64") skips invalid characters silently; reject them instead. */
function decodeB64(s: string): Buffer | undefined {
  return B64_RE.test(s) && s.length % 4 === 0 ? Buffer.from(s, "base64") : undefined;
}

import { createHmac, hkdfSync } from "node:crypto";

/**
 * The key behind `capture.pii: hash` placeholders, derived from the install's master key
 * (master-key.ts) with HKDF, so it is per install, never stored anywhere of its own, and useless
 * for anything else. A plain hash of a card number would be no protection: the space of valid
 * card numbers under one issuer prefix is small enough to enumerate, so the digest must be keyed.
 */
export function derivePiiHashKey(masterKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", masterKey, Buffer.alloc(0), "keel capture.pii hash v1", 32));
}

/**
 * HMAC-SHA256 of a value's canonical form, 16 hex digits (64 bits: collisions among the values one
 * install sees are negligible, and the placeholder stays short). Canonical: numbers and ids without
 * their spaces and dashes, upper case; e-mail addresses lower case; other text with runs of
 * whitespace as one space, lower case — "4111 1111 1111 1111" and "4111-1111-1111-1111" correlate.
 */
export function piiHasher(key: Buffer): (type: string, value: string) => string {
  return (type, value) => createHmac("sha256", key).update(`${type}\0${canonical(type, value)}`).digest("hex").slice(0, 16);
}

/** `type` is a PII class name (guard/pii/entity.ts), taken as a string so secrets/ imports nothing of guard/. */
function canonical(type: string, value: string): string {
  switch (type) {
    case "CREDIT_CARD": case "IBAN": case "US_SSN": case "UK_NINO": case "CA_SIN": case "ES_DNI": case "PHONE":
      return value.replace(/[\s().-]/g, "").toUpperCase();
    case "EMAIL":
      return value.toLowerCase();
    default:
      return value.trim().replace(/\s+/g, " ").toLowerCase();
  }
}

/**
 * How the audit log names the data subject of a purge: a keyed digest, not the id itself (often an
 * e-mail address). An operator who knows the id can still find its purge: `keel traces purge
 * --user <id> --dry-run` prints the same digest.
 */
export function subjectDigest(key: Buffer, user: string): string {
  return `user:${createHmac("sha256", key).update(`USER\0${user}`).digest("hex").slice(0, 16)}`;
}

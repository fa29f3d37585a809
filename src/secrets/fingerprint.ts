import * as crypto from "node:crypto";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Bearer tokens Keel mints (virtual keys, the admin token) and how they are stored: only a
 * SHA-256 fingerprint and a four-character hint ever reach the database.
 */

/** 32 random bytes: 256 bits, so the fingerprint below needs no slow hash (see `hashToken`). */
const TOKEN_BYTES = 32;
const PREFIX_RE = /^[A-Za-z0-9_-]{0,32}$/;
const HEX_RE = /^(?:[0-9a-f]{2})*$/i;

/**
 * `prefix` + 43 base64url characters of 32 random bytes, e.g. `sk-keel-3q2-…`. The prefix lets
 * secret scanners (and `maskSecrets`) recognise a leaked key; base64url keeps it header- and URL-safe.
 */
export function generateToken(prefix: string): string {
  if (!PREFIX_RE.test(prefix)) throw new Error("token prefix must be at most 32 characters of A-Z a-z 0-9 _ -");
  return prefix + randomBytes(TOKEN_BYTES).toString("base64url");
}

/**
 * SHA-256 hex of the token, the lookup key for authentication.
 *
 * Not bcrypt/scrypt/argon2: those exist to slow down guessing of low-entropy passwords. A token of
 * 256 random bits cannot be guessed however fast the hash, so a slow KDF would buy nothing while
 * costing ~50–100 ms of CPU on every authenticated request (a DoS lever), and its per-hash salt
 * would rule out the indexed lookup-by-hash that keeps auth O(1). Tokens supplied by an operator
 * (KEEL_ADMIN_TOKEN) are their responsibility to make long; the env parser demands 16+ characters.
 */
export function hashToken(token: string): string {
  // One-shot crypto.hash (Node ≥ 20.12) skips the Hash object and stream machinery: this runs on
  // every authenticated call.
  return oneShot ? oneShot("sha256", token, "hex") : createHash("sha256").update(token, "utf8").digest("hex");
}

const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "hex") => string }).hash;

/**
 * The last four characters, for listings ("…x7Qa"). Values under 16 characters get no hint: four
 * characters of a short secret (a password-like credential) would give away too much of it.
 */
export function tokenHint(token: string): string {
  return token.length >= 16 ? token.slice(-4) : "";
}

/**
 * Constant-time comparison of two hex digests. Strings that are not even-length hex compare
 * unequal rather than being coerced: `Buffer.from("zz", "hex")` is silently empty, and two empty
 * buffers would otherwise be "equal". A length mismatch returns early; digest lengths are public.
 */
export function timingSafeEqualHex(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0 || !HEX_RE.test(a) || !HEX_RE.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, "hex"), Buffer.from(b, "hex"));
}

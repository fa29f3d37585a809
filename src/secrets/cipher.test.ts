import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { SecretDecryptionError, decryptSecret, encryptSecret } from "./cipher.js";

const key = randomBytes(32);
const secret = "sk-proj-Zx9yW8vU7tS6rQ5pO4nM3lK2jI1hG0fE";

test("round-trips, including empty and non-ASCII plaintext", () => {
  for (const p of [secret, "", "pässwörd 🔑", "x".repeat(100_000)]) {
    assert.equal(decryptSecret(key, encryptSecret(key, p)), p);
  }
});

test("blob is v1:<iv>:<tag>:<ciphertext> with a 12-byte IV and 16-byte tag, fresh IV each time", () => {
  const a = encryptSecret(key, secret);
  const b = encryptSecret(key, secret);
  const [v, iv, tag, ct] = a.split(":");
  assert.equal(v, "v1");
  assert.equal(Buffer.from(iv, "base64").length, 12);
  assert.equal(Buffer.from(tag, "base64").length, 16);
  assert.equal(Buffer.from(ct, "base64").length, Buffer.byteLength(secret));
  assert.notEqual(a, b, "same plaintext must not give the same blob");
  assert.ok(!a.includes(secret));
});

/** Every failure is a SecretDecryptionError that leaks neither plaintext nor key. */
function assertFails(fn: () => unknown): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof SecretDecryptionError, String(err));
    assert.equal(err.code, "secret_decryption_failed");
    assert.ok(!err.message.includes(secret));
    assert.ok(!err.message.includes(key.toString("base64")) && !err.message.includes(key.toString("hex")));
    return true;
  });
}

test("detects tampering with ciphertext, tag or IV", () => {
  const blob = encryptSecret(key, secret);
  const [v, iv, tag, ct] = blob.split(":");
  const flip = (b64: string): string => {
    const buf = Buffer.from(b64, "base64");
    buf[0] ^= 1;
    return buf.toString("base64");
  };
  assertFails(() => decryptSecret(key, [v, iv, tag, flip(ct)].join(":")));
  assertFails(() => decryptSecret(key, [v, iv, flip(tag), ct].join(":")));
  assertFails(() => decryptSecret(key, [v, flip(iv), tag, ct].join(":")));
});

test("refuses a truncated tag rather than checking fewer bits", () => {
  const [v, iv, tag, ct] = encryptSecret(key, secret).split(":");
  const short = Buffer.from(tag, "base64").subarray(0, 4).toString("base64");
  assertFails(() => decryptSecret(key, [v, iv, short, ct].join(":")));
});

test("wrong key fails", () => {
  assertFails(() => decryptSecret(randomBytes(32), encryptSecret(key, secret)));
});

test("associated data is bound into the tag", () => {
  const blob = encryptSecret(key, secret, "openai-prod");
  assert.equal(decryptSecret(key, blob, "openai-prod"), secret);
  assertFails(() => decryptSecret(key, blob, "anthropic-prod"));
  assertFails(() => decryptSecret(key, blob));
  assertFails(() => decryptSecret(key, encryptSecret(key, secret), "openai-prod"));
});

test("malformed blobs fail cleanly", () => {
  for (const bad of ["", "v1", "v2:a:b:c", "v1:!!:b:c", "v1:AAAA:AAAA:AAAA", `${encryptSecret(key, secret)}:extra`]) {
    assertFails(() => decryptSecret(key, bad));
  }
});

test("a key that is not 32 bytes is a programming error", () => {
  assert.throws(() => encryptSecret(randomBytes(16), "x"), /32 bytes/);
  assert.throws(() => decryptSecret(randomBytes(31), encryptSecret(key, "x")), /32 bytes/);
});

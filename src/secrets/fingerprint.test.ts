import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { generateToken, hashToken, timingSafeEqualHex, tokenHint } from "./fingerprint.js";

test("generateToken: prefix + 43 base64url characters of fresh randomness", () => {
  const a = generateToken("sk-keel-");
  const b = generateToken("sk-keel-");
  assert.match(a, /^sk-keel-[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b);
  assert.equal(Buffer.from(a.slice("sk-keel-".length), "base64url").length, 32);
  assert.match(generateToken(""), /^[A-Za-z0-9_-]{43}$/);
});

test("generateToken rejects prefixes that would break headers or scanners", () => {
  assert.throws(() => generateToken("sk keel"), /prefix/);
  assert.throws(() => generateToken("x".repeat(33)), /prefix/);
});

test("hashToken is SHA-256 hex, deterministic, and distinguishes tokens", () => {
  const t = "sk-keel-abc";
  assert.equal(hashToken(t), createHash("sha256").update(t).digest("hex"));
  assert.match(hashToken(t), /^[0-9a-f]{64}$/);
  assert.equal(hashToken(t), hashToken(t));
  assert.notEqual(hashToken(t), hashToken(`${t}d`));
});

test("tokenHint shows the last four characters of long tokens only", () => {
  const t = generateToken("sk-keel-");
  assert.equal(tokenHint(t), t.slice(-4));
  assert.equal(tokenHint("sk-proj-0123456789abcdef"), "cdef");
  assert.equal(tokenHint("hunter2"), "", "a short secret gives no hint");
  assert.equal(tokenHint(""), "");
});

test("timingSafeEqualHex compares digests and refuses anything that is not hex", () => {
  const h = hashToken("a");
  assert.equal(timingSafeEqualHex(h, hashToken("a")), true);
  assert.equal(timingSafeEqualHex(h, h.toUpperCase()), true, "hex case does not matter");
  assert.equal(timingSafeEqualHex(h, hashToken("b")), false);
  assert.equal(timingSafeEqualHex(h, h.slice(2)), false, "length mismatch");
  // Buffer.from("zz", "hex") is empty: without validation these would compare equal.
  assert.equal(timingSafeEqualHex("zz", "yy"), false);
  assert.equal(timingSafeEqualHex("", ""), false);
  assert.equal(timingSafeEqualHex("abc", "abc"), false, "odd length is not a digest");
});

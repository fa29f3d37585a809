import { test } from "node:test";
import assert from "node:assert/strict";
import { KeelError } from "../errors/errors.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { KeyService } from "./key-service.js";
import { SqliteKeyStore } from "./sqlite-key-store.js";

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof KeelError) return e.code;
    throw e;
  }
  return "none";
};

test("a created key authenticates; only its hash is stored", () => {
  const db = openMemorySqlite();
  const svc = new KeyService(new SqliteKeyStore(db));
  const { key, view } = svc.create({ name: "ci", models: ["sim"], user: "u1", team: "t1" });
  assert.match(key, /^sk-keel-[A-Za-z0-9_-]{40,}$/);
  const p = svc.authenticate(`Bearer ${key}`);
  assert.equal(p.keyId, view.id);
  assert.equal(p.user, "u1");
  assert.deepEqual([...p.models!], ["sim"]);
  const dump = JSON.stringify(db.prepare("SELECT * FROM virtual_keys").all());
  assert.ok(!dump.includes(key), "plaintext key must not be stored");
  assert.ok(!dump.includes(key.slice(8, 30)), "no substantial part of the key is stored");
  assert.ok(!JSON.stringify(svc.list()).includes(key.slice(8, 30)));
  // a new service over the same store (a restart) still knows the key
  assert.equal(new KeyService(new SqliteKeyStore(db)).authenticate(`Bearer ${key}`).keyId, view.id);
});

test("missing, malformed, unknown, revoked and expired keys get their own codes", () => {
  let now = 1_000_000;
  const svc = new KeyService(new SqliteKeyStore(openMemorySqlite()), () => now);
  const a = svc.create({ name: "a" });
  const b = svc.create({ name: "b", expires: "1h" });
  assert.equal(code(() => svc.authenticate(undefined)), "missing_api_key");
  assert.equal(code(() => svc.authenticate("Basic abc")), "missing_api_key");
  assert.equal(code(() => svc.authenticate("Bearer sk-keel-nope")), "invalid_api_key");
  assert.equal(code(() => svc.authenticate(`Bearer ${"x".repeat(10_000)}`)), "invalid_api_key");
  svc.revoke(a.view.id);
  assert.equal(code(() => svc.authenticate(`Bearer ${a.key}`)), "revoked_api_key");
  assert.equal(svc.get(a.view.id)?.status, "revoked");
  assert.equal(svc.authenticate(`Bearer ${b.key}`).keyId, b.view.id);
  now += 3_600_001;
  assert.equal(code(() => svc.authenticate(`Bearer ${b.key}`)), "expired_api_key");
  assert.equal(svc.get(b.view.id)?.status, "expired");
  assert.equal(code(() => svc.revoke("key_missing")), "not_found");
});

test("bad expiry is a 400 naming the field", () => {
  const svc = new KeyService(new SqliteKeyStore(openMemorySqlite()));
  assert.throws(() => svc.create({ name: "x", expires: "soon" }), (e: unknown) => e instanceof KeelError && e.param === "expires");
  assert.throws(() => svc.create({ name: "x", expires: "2001-01-01" }), /in the past/);
});

/** Key roles: viewer keys never call models, resolve on the admin API only while active, and persist. */
import { test } from "node:test";
import assert from "node:assert/strict";
import Database from "better-sqlite3";
import { KeelError } from "../errors/errors.js";
import { MIGRATIONS } from "../storage/migrations.js";
import { openMemorySqlite } from "../storage/sqlite.js";
import { migrate } from "../store/migrate.js";
import { AdminAuth } from "./admin-token.js";
import { KeyService } from "./key-service.js";
import { AdminRoles } from "./roles.js";
import { SqliteKeyStore } from "./sqlite-key-store.js";
import { SqliteSettingsStore } from "../store/sqlite-settings-store.js";

const err = (fn: () => unknown): KeelError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof KeelError) return e;
    throw e;
  }
  assert.fail("expected a KeelError");
};

test("keys default to the gateway role; a viewer key is refused by authenticate with a 403", () => {
  const svc = new KeyService(new SqliteKeyStore(openMemorySqlite()));
  const gw = svc.create({ name: "app" });
  assert.equal(gw.view.role, "gateway");
  assert.equal(svc.authenticate(`Bearer ${gw.key}`).keyId, gw.view.id);
  const v = svc.create({ name: "dash", role: "viewer" });
  assert.equal(v.view.role, "viewer");
  const e = err(() => svc.authenticate(`Bearer ${v.key}`));
  assert.equal(e.code, "forbidden");
  assert.equal(e.status, 403);
  assert.match(e.message, /viewer role/);
  assert.match(e.message, /cannot call models/);
  assert.ok(!e.message.includes(v.key));
});

test("viewerFor: only an active viewer key resolves; gateway, revoked, expired and junk give null", () => {
  let now = 1_000_000;
  const svc = new KeyService(new SqliteKeyStore(openMemorySqlite()), () => now);
  const v = svc.create({ name: "dash", role: "viewer" });
  const soon = svc.create({ name: "short", role: "viewer", expires: "1h" });
  const gw = svc.create({ name: "app" });
  assert.deepEqual(svc.viewerFor(`Bearer ${v.key}`), { keyId: v.view.id, name: "dash" });
  assert.equal(svc.viewerFor(`Bearer ${gw.key}`), null);
  for (const junk of [undefined, "", "Bearer ", `Basic ${v.key}`, "Bearer sk-keel-nope", `Bearer ${v.key}x`]) assert.equal(svc.viewerFor(junk), null);
  assert.ok(svc.viewerFor(`Bearer ${soon.key}`));
  now += 3_600_001;
  assert.equal(svc.viewerFor(`Bearer ${soon.key}`), null, "expired");
  svc.revoke(v.view.id);
  assert.equal(svc.viewerFor(`Bearer ${v.key}`), null, "revoked");
  // A revoked viewer key on the gateway still gets the precise 401, not the role's 403.
  assert.equal(err(() => svc.authenticate(`Bearer ${v.key}`)).code, "revoked_api_key");
});

test("a viewer key cannot carry models or limits", () => {
  const svc = new KeyService(new SqliteKeyStore(openMemorySqlite()));
  assert.equal(err(() => svc.create({ name: "x", role: "viewer", models: ["sim"] })).param, "models");
  assert.equal(err(() => svc.create({ name: "x", role: "viewer", limits: { rpm: 10 } })).param, "limits");
  assert.equal(svc.list().length, 0);
});

test("the role survives a restart; keys made before migration 9 read as gateway keys", () => {
  const db = new Database(":memory:");
  migrate(db, MIGRATIONS.filter((m) => m.version < 9));
  db.prepare(`INSERT INTO virtual_keys (id, name, hash, hint, created_at, metadata) VALUES ('key_old', 'old', 'h', 'abcd', 1, '{}')`).run();
  migrate(db, MIGRATIONS);
  const svc = new KeyService(new SqliteKeyStore(db));
  assert.equal(svc.get("key_old")?.role, "gateway");
  const v = svc.create({ name: "dash", role: "viewer" });
  const again = new KeyService(new SqliteKeyStore(db));
  assert.equal(again.get(v.view.id)?.role, "viewer");
  assert.deepEqual(again.viewerFor(`Bearer ${v.key}`), { keyId: v.view.id, name: "dash" });
  assert.equal(err(() => again.authenticate(`Bearer ${v.key}`)).code, "forbidden");
});

test("AdminAuth and AdminRoles: a viewer key reads (GET/HEAD) and gets a 403 on any write", () => {
  const db = openMemorySqlite();
  const svc = new KeyService(new SqliteKeyStore(db));
  const { auth } = AdminAuth.init(new SqliteSettingsStore(db), "keel-admin-unit-token-0123456789");
  const v = svc.create({ name: "dash", role: "viewer" });
  // Before the lookup is wired in, a viewer key is just an unknown admin token.
  assert.equal(err(() => auth.authorize(`Bearer ${v.key}`, "GET")).code, "invalid_admin_token");
  auth.acceptViewers((a) => svc.viewerFor(a));
  assert.deepEqual(auth.authorize("Bearer keel-admin-unit-token-0123456789", "DELETE"), { role: "admin", keyId: null, name: null });
  assert.deepEqual(auth.authorize(`Bearer ${v.key}`, "GET"), { role: "viewer", keyId: v.view.id, name: "dash" });
  assert.equal(auth.authorize(`Bearer ${v.key}`, "HEAD").role, "viewer");
  for (const m of ["POST", "PUT", "PATCH", "DELETE"]) {
    const e = err(() => auth.authorize(`Bearer ${v.key}`, m));
    assert.equal(e.code, "forbidden");
    assert.match(e.message, /viewer role/);
  }
  // check() stays the admin token alone: feedback, guard and /metrics rely on that.
  assert.equal(err(() => auth.check(`Bearer ${v.key}`)).code, "invalid_admin_token");
  const roles = new AdminRoles(auth, "keel-editor-unit-token-0123456789");
  assert.equal(roles.roleOf(`Bearer ${v.key}`, "GET"), "viewer");
  assert.equal(err(() => roles.roleOf(`Bearer ${v.key}`, "PUT")).code, "forbidden");
  assert.deepEqual(roles.callerOf("Bearer keel-editor-unit-token-0123456789", "PUT"), { role: "editor", keyId: null, name: null });
  assert.equal(err(() => roles.roleOf("Bearer nope-nope-nope", "GET")).code, "invalid_admin_token");
});

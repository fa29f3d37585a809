import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrate } from "../store/migrate.js";
import { openMemorySqlite, openSqlite } from "./sqlite.js";
import { MIGRATIONS } from "./migrations.js";

test("a new database reaches the latest schema version in WAL mode", () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-db-"));
  const db = openSqlite(dir);
  assert.equal(db.pragma("user_version", { simple: true }), MIGRATIONS.at(-1)!.version);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  db.close();
  // re-opening is idempotent
  const again = openSqlite(dir);
  assert.equal(again.pragma("user_version", { simple: true }), MIGRATIONS.at(-1)!.version);
  again.close();
});

test("migrations apply in order, only once, and a failing one rolls back whole", () => {
  const db = openMemorySqlite();
  const base = MIGRATIONS.at(-1)!.version;
  const extra = [...MIGRATIONS, { version: base + 1, name: "t", sql: "CREATE TABLE t (x INTEGER);" }];
  assert.equal(migrate(db, extra), base + 1);
  assert.equal(migrate(db, extra), base + 1);
  const broken = [...extra, { version: base + 2, name: "bad", sql: "CREATE TABLE u (x INTEGER); SELECT * FROM nope;" }];
  assert.throws(() => migrate(db, broken), /no such table/);
  assert.equal(db.pragma("user_version", { simple: true }), base + 1);
  assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'u'").get(), undefined);
});

test("refuses a database newer than the code", () => {
  const db = openMemorySqlite();
  db.pragma("user_version = 999");
  assert.throws(() => migrate(db, MIGRATIONS), /newer than this Keel/);
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { migrate } from "../store/migrate.js";
import type { SqliteDb } from "../store/sqlite.js";
import { MIGRATIONS } from "./migrations.js";
import { sqliteStoresOn } from "./sqlite-stores.js";
import { openSqlite } from "./sqlite.js";
import { sampleTrace } from "../observe/sample-trace.js";

// What the single-file migrations created, captured before they were split per domain.
const FIXTURE = new URL("./testdata/schema-v14.sql", import.meta.url);

function schemaOf(db: SqliteDb): string[] {
  const rows = db.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type DESC, name").pluck().all() as string[];
  return rows.map((sql) => `${sql};`);
}

function fixtureStatements(): string[] {
  const text = readFileSync(FIXTURE, "utf8").split("\n").filter((l) => !l.startsWith("--")).join("\n");
  // Statements end with ";" at the end of a line; none of the schema's text holds one elsewhere.
  return text.split(/;\n/).map((s) => s.trim()).filter(Boolean).map((s) => `${s};`);
}

const LATEST = Math.max(...MIGRATIONS.map((m) => m.version));

/** The schema a fresh database reaches at the latest version. */
function latestSchema(): string[] {
  const db = new Database(":memory:");
  assert.equal(migrate(db, MIGRATIONS), LATEST);
  const out = schemaOf(db);
  db.close();
  return out;
}

test("the per-domain migrations create exactly the schema the single-file migrations did", () => {
  const db = new Database(":memory:");
  assert.equal(migrate(db, MIGRATIONS.filter((m) => m.version <= 14)), 14);
  assert.deepEqual(schemaOf(db), fixtureStatements());
  db.close();
});

test("a database created by the previous code opens unchanged and its stores work", () => {
  const dir = mkdtempSync(join(tmpdir(), "keel-upgrade-"));
  try {
    // Build keel.db as the previous release left it: its exact schema at user_version 14, with data.
    const old = new Database(join(dir, "keel.db"));
    old.exec(fixtureStatements().join("\n"));
    old.pragma("user_version = 14");
    old.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('initialized_at', '2026-01-01T00:00:00.000Z', 1)").run();
    old.close();

    const db = openSqlite(dir);
    assert.equal(db.pragma("user_version", { simple: true }), LATEST);
    assert.deepEqual(schemaOf(db), latestSchema());
    const stores = sqliteStoresOn(db);
    assert.equal(stores.settings.get("initialized_at"), "2026-01-01T00:00:00.000Z");
    stores.traces.insertBatch([sampleTrace(1, { id: "req_old_db" })]);
    assert.equal(stores.traces.get("req_old_db")?.id, "req_old_db");
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a database at any earlier version upgrades to the same schema", () => {
  const latest = latestSchema();
  for (let v = 1; v < LATEST; v++) {
    const db = new Database(":memory:");
    migrate(db, MIGRATIONS.filter((m) => m.version <= v));
    assert.equal(db.pragma("user_version", { simple: true }), v);
    migrate(db, MIGRATIONS);
    assert.deepEqual(schemaOf(db), latest, `upgrading from version ${v}`);
    db.close();
  }
});

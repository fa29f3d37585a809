import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { isStoreModule, sqlLines, sqlOutsideStores } from "./sql-placement.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SRC = fileURLToPath(new URL("../", import.meta.url));

test("no SQL outside store modules: domain code reaches data through store interfaces", () => {
  assert.deepEqual(sqlOutsideStores(SRC, REPO), [], "move these statements into a store module (docs/contributing.md, 'Adding a store')");
});

test("the check sees statements on a handle and the driver, and not regular expressions", () => {
  const text = [
    'import Database from "better-sqlite3";',
    "const x = /^(\\d+)m$/.exec(value);",
    '  const rows = this.db.prepare("SELECT 1").all();',
    "db.exec(sql);",
    "d.db.pragma('user_version');",
    "plan.target.prepare(item);",
  ].join("\n");
  assert.deepEqual(sqlLines(text), [1, 3, 4, 5]);
});

test("store modules are files named for a store, and the store and storage folders", () => {
  assert.equal(isStoreModule("src/incidents/sqlite-incident-store.ts"), true);
  assert.equal(isStoreModule("src/guard/review/review-store.ts"), true);
  assert.equal(isStoreModule("src/store/sqlite.ts"), true);
  assert.equal(isStoreModule("src/storage/sqlite-stores.ts"), true);
  assert.equal(isStoreModule("src/incidents/incident-service.ts"), false);
  assert.equal(isStoreModule("src/observe/summary/summary-query.ts"), false);
});

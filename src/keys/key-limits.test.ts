import { test } from "node:test";
import assert from "node:assert/strict";
import { openMemorySqlite } from "../storage/sqlite.js";
import { KeyService } from "./key-service.js";
import { SqliteKeyStore } from "./sqlite-key-store.js";

test("a key's own limits are stored, reach its principal, and can be replaced or removed", () => {
  const db = openMemorySqlite();
  const svc = new KeyService(new SqliteKeyStore(db));
  const { key, view } = svc.create({ name: "capped", limits: { rpm: 60, daily_usd: 5 } });
  assert.deepEqual(view.limits, { rpm: 60, daily_usd: 5 });
  assert.deepEqual(svc.authenticate(`Bearer ${key}`).limits, { rpm: 60, daily_usd: 5 });
  assert.equal(svc.create({ name: "plain", limits: {} }).view.limits, null);

  svc.setLimits(view.id, { tpm: 1000 });
  assert.deepEqual(svc.authenticate(`Bearer ${key}`).limits, { tpm: 1000 });
  // a restart reads them back
  assert.deepEqual(new KeyService(new SqliteKeyStore(db)).authenticate(`Bearer ${key}`).limits, { tpm: 1000 });
  svc.setLimits(view.id, {});
  assert.equal(svc.get(view.id)!.limits, null);
  assert.throws(() => svc.setLimits("key_nope", { rpm: 1 }), /no key/);
});

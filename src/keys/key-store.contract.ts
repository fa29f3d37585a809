import { test } from "node:test";
import assert from "node:assert/strict";
import type { KeyStore, VirtualKeyRecord } from "./types.js";

const key = (id: string, over: Partial<VirtualKeyRecord> = {}): VirtualKeyRecord => ({
  id, name: `name-${id}`, hash: `hash-${id}`, hint: "sk-…abcd", models: null, user: null, team: null,
  createdAt: 1000, expiresAt: null, revokedAt: null, metadata: {}, limits: null, role: "gateway", ...over,
});

/**
 * The `KeyStore` contract, run by the test of every implementation (`sqlite-key-store.test.ts`).
 * Every call is awaited, so an implementation whose methods return promises runs it unchanged.
 */
export function keyStoreContract(label: string, make: () => KeyStore | Promise<KeyStore>): void {
  test(`${label}: a key round-trips every field; unknown ids are undefined`, async () => {
    const s = await make();
    const full = key("key_a", {
      models: ["gpt-4o", "sim"], user: "u1", team: "growth", expiresAt: 9000, metadata: { env: "prod" },
      limits: { rpm: 60, daily_usd: 2.5 }, role: "viewer",
    });
    await s.insert(full);
    assert.deepEqual(await s.get("key_a"), full);
    assert.equal(await s.get("key_missing"), undefined);
  });

  test(`${label}: all() lists by creation time, then id`, async () => {
    const s = await make();
    await s.insert(key("key_c", { createdAt: 2000 }));
    await s.insert(key("key_b", { createdAt: 1000 }));
    await s.insert(key("key_a", { createdAt: 2000 }));
    assert.deepEqual((await s.all()).map((k) => k.id), ["key_b", "key_a", "key_c"]);
  });

  test(`${label}: a hash is unique`, async () => {
    const s = await make();
    await s.insert(key("key_a", { hash: "same" }));
    await assert.rejects(async () => s.insert(key("key_b", { hash: "same" })));
    assert.deepEqual((await s.all()).map((k) => k.id), ["key_a"]);
  });

  test(`${label}: revoking sets the time once; a second revoke and unknown ids return false`, async () => {
    const s = await make();
    await s.insert(key("key_a"));
    assert.equal(await s.setRevoked("key_a", 5000), true);
    assert.equal(await s.setRevoked("key_a", 6000), false);
    assert.equal((await s.get("key_a"))!.revokedAt, 5000);
    assert.equal(await s.setRevoked("key_missing", 5000), false);
  });

  test(`${label}: limits are replaced and cleared; unknown ids return false`, async () => {
    const s = await make();
    await s.insert(key("key_a", { limits: { rpm: 1 } }));
    assert.equal(await s.setLimits("key_a", { tpm: 500, monthly_usd: 10 }), true);
    assert.deepEqual((await s.get("key_a"))!.limits, { tpm: 500, monthly_usd: 10 });
    assert.equal(await s.setLimits("key_a", null), true);
    assert.equal((await s.get("key_a"))!.limits, null);
    assert.equal(await s.setLimits("key_missing", { rpm: 1 }), false);
  });
}

import { test } from "node:test";
import assert from "node:assert/strict";
import type { SettingsStore } from "./settings-store.js";

/** The `SettingsStore` contract (`sqlite-settings-store.test.ts`); every call is awaited. */
export function settingsStoreContract(label: string, make: () => SettingsStore | Promise<SettingsStore>): void {
  test(`${label}: a missing key is undefined; set then get; set again replaces`, async () => {
    const s = await make();
    assert.equal(await s.get("admin_token_hash"), undefined);
    await s.set("admin_token_hash", "a");
    await s.set("initialized_at", "2026-01-01");
    assert.equal(await s.get("admin_token_hash"), "a");
    await s.set("admin_token_hash", "b");
    assert.equal(await s.get("admin_token_hash"), "b");
    assert.equal(await s.get("initialized_at"), "2026-01-01");
  });

  test(`${label}: values are kept byte for byte`, async () => {
    const s = await make();
    const v = JSON.stringify({ at: 1, note: "ünïcode ✓", empty: "" });
    await s.set("k", v);
    await s.set("empty", "");
    assert.equal(await s.get("k"), v);
    assert.equal(await s.get("empty"), "");
  });
}

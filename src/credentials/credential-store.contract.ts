import { test } from "node:test";
import assert from "node:assert/strict";
import type { CredentialRecord, CredentialStore } from "./credential-store.js";

const rec = (name: string, over: Partial<CredentialRecord> = {}): CredentialRecord => ({
  name, ciphertext: `v1:${name}:blob`, hint: "…wxyz", createdAt: 100, updatedAt: 100, ...over,
});

/** The `CredentialStore` contract (`sqlite-credential-store.test.ts`); every call is awaited. */
export function credentialStoreContract(label: string, make: () => CredentialStore | Promise<CredentialStore>): void {
  test(`${label}: put, get and list by name`, async () => {
    const s = await make();
    await s.put(rec("openai"));
    await s.put(rec("anthropic", { createdAt: 200, updatedAt: 200 }));
    assert.deepEqual(await s.get("openai"), rec("openai"));
    assert.equal(await s.get("missing"), undefined);
    assert.deepEqual((await s.list()).map((c) => c.name), ["anthropic", "openai"]);
  });

  test(`${label}: putting a name again replaces the secret and hint but keeps the creation time`, async () => {
    const s = await make();
    await s.put(rec("openai"));
    await s.put(rec("openai", { ciphertext: "v1:new", hint: "…1234", createdAt: 999, updatedAt: 500 }));
    assert.deepEqual(await s.get("openai"), { name: "openai", ciphertext: "v1:new", hint: "…1234", createdAt: 100, updatedAt: 500 });
    assert.equal((await s.list()).length, 1);
  });

  test(`${label}: delete says whether there was one`, async () => {
    const s = await make();
    await s.put(rec("openai"));
    assert.equal(await s.delete("openai"), true);
    assert.equal(await s.delete("openai"), false);
    assert.equal(await s.get("openai"), undefined);
  });
}

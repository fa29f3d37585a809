/**
 * Per-key access to files and vector stores, through the official `openai` client: a store belongs
 * to its creator's tenant (team, else key); another tenant's key gets the same 404 as for a missing
 * id; a share list lets named keys or teams read and search; the admin token sees everything.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import OpenAI, { NotFoundError, toFile } from "openai";
import { getDefaultEmbedder } from "../providers/embeddings/local-embedder.js";
import { startTestKeel, type TestKeel } from "../testing/keel-fixture.js";

let keel: TestKeel;
const made: Record<string, { id: string; client: OpenAI }> = {};
const poll = { pollIntervalMs: 50 };
const isNotFound = (e: unknown): boolean => e instanceof NotFoundError && e.status === 404;

before(async () => {
  await getDefaultEmbedder().warm();
  keel = await startTestKeel();
  for (const [name, team] of [["alice", "payments"], ["bob", "payments"], ["carol", "search"], ["dave", null]] as const) {
    const r = await keel.admin("POST", "/api/v1/keys", { name, ...(team ? { team } : {}) });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    made[name] = { id: r.json.id, client: new OpenAI({ apiKey: r.json.key, baseURL: `${keel.url}/v1`, maxRetries: 0 }) };
  }
});
after(async () => keel.close());

async function storeWithDoc(owner: OpenAI, text: string, access?: { keys?: string[]; teams?: string[] }): Promise<{ storeId: string; fileId: string }> {
  const file = await owner.files.create({ file: await toFile(Buffer.from(text), "policy.md"), purpose: "assistants" });
  const store = await owner.vectorStores.create({ name: "policies", ...(access ? { keel_access: access } : {}) } as OpenAI.VectorStoreCreateParams);
  const a = await owner.vectorStores.files.createAndPoll(store.id, { file_id: file.id }, poll);
  assert.equal(a.status, "completed");
  return { storeId: store.id, fileId: file.id };
}

test("another tenant's key gets 404 on the store, its files and its search; the same team and the admin token get through", async () => {
  const { alice, bob, carol, dave } = made;
  const { storeId, fileId } = await storeWithDoc(alice.client, "Refunds take five business days to reach the card.");
  for (const other of [carol.client, dave.client]) {
    await assert.rejects(other.vectorStores.retrieve(storeId), isNotFound);
    await assert.rejects(other.vectorStores.search(storeId, { query: "refunds" }), isNotFound);
    await assert.rejects(other.vectorStores.files.list(storeId), isNotFound);
    await assert.rejects(other.vectorStores.update(storeId, { name: "mine now" }), isNotFound);
    await assert.rejects(other.vectorStores.delete(storeId), isNotFound);
    await assert.rejects(other.files.retrieve(fileId), isNotFound);
    await assert.rejects(other.files.delete(fileId), isNotFound);
    const theirs: string[] = [];
    for await (const v of other.vectorStores.list()) theirs.push(v.id);
    assert.ok(!theirs.includes(storeId), "not listed");
    const files: string[] = [];
    for await (const f of other.files.list()) files.push(f.id);
    assert.ok(!files.includes(fileId));
    // Not even the attach path tells: a foreign file in one's own store is "no such file".
    const own = await other.vectorStores.create({ name: "own" });
    await assert.rejects(other.vectorStores.files.create(own.id, { file_id: fileId }), isNotFound);
  }
  // The same 404 body as a store that never existed: existence does not leak.
  const missing = await fetch(`${keel.url}/v1/vector_stores/vs_000000000000`, { headers: { authorization: `Bearer ${(carol.client as unknown as { apiKey: string }).apiKey}` } });
  const foreign = await fetch(`${keel.url}/v1/vector_stores/${storeId}`, { headers: { authorization: `Bearer ${(carol.client as unknown as { apiKey: string }).apiKey}` } });
  assert.equal(foreign.status, 404);
  const [m, f] = [(await missing.json()) as { error: { type: string; param: string } }, (await foreign.json()) as { error: { type: string; param: string } }];
  assert.deepEqual([f.error.type, f.error.param], [m.error.type, m.error.param]);

  // Same team: read, search and change.
  const page = await bob.client.vectorStores.search(storeId, { query: "how long do refunds take" });
  assert.match(page.data[0].content[0].text, /five business days/);
  assert.equal((await bob.client.files.retrieve(fileId)).id, fileId);
  assert.equal((await bob.client.vectorStores.update(storeId, { name: "team policies" })).name, "team policies");
  const got = (await alice.client.vectorStores.retrieve(storeId)) as unknown as { keel_owner: { key_id: string; team: string } };
  assert.deepEqual(got.keel_owner, { key_id: alice.id, team: "payments" });

  // The admin token: every store (the admin override).
  const admin = new OpenAI({ apiKey: keel.adminToken, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  assert.equal((await admin.vectorStores.retrieve(storeId)).id, storeId);
  assert.equal((await admin.vectorStores.search(storeId, { query: "refunds" })).data.length, 1);
  const wrongAdmin = new OpenAI({ apiKey: "keel-admin-wrong", baseURL: `${keel.url}/v1`, maxRetries: 0 });
  await assert.rejects(wrongAdmin.vectorStores.retrieve(storeId), (e: unknown) => e instanceof OpenAI.AuthenticationError);
});

test("a share list lets named keys and teams read and search, never change; the tenant changes it", async () => {
  const { alice, carol, dave } = made;
  const { storeId } = await storeWithDoc(alice.client, "Invoices are emailed on the first day of every month.", { keys: [dave.id] });
  assert.match((await dave.client.vectorStores.search(storeId, { query: "when are invoices sent" })).data[0].content[0].text, /first day/);
  assert.equal((await dave.client.vectorStores.files.list(storeId)).data.length, 1);
  await assert.rejects(dave.client.vectorStores.update(storeId, { name: "x" }), isNotFound, "shared is read-only");
  await assert.rejects(dave.client.vectorStores.delete(storeId), isNotFound);
  await assert.rejects(carol.client.vectorStores.search(storeId, { query: "invoices" }), isNotFound);
  const listed: string[] = [];
  for await (const v of dave.client.vectorStores.list()) listed.push(v.id);
  assert.ok(listed.includes(storeId), "a shared store is listed for the key it is shared with");

  await alice.client.vectorStores.update(storeId, { keel_access: { teams: ["search"] } } as OpenAI.VectorStoreUpdateParams);
  assert.equal((await carol.client.vectorStores.search(storeId, { query: "invoices" })).data.length, 1, "now shared with carol's team");
  await assert.rejects(dave.client.vectorStores.retrieve(storeId), isNotFound, "the new list replaced the old one");

  // A store made with the admin token has no tenant: open to every key, unless it has a share list.
  const admin = new OpenAI({ apiKey: keel.adminToken, baseURL: `${keel.url}/v1`, maxRetries: 0 });
  const open = await admin.vectorStores.create({ name: "everyone" });
  assert.equal((await carol.client.vectorStores.retrieve(open.id)).id, open.id);
  const listed2 = await admin.vectorStores.create({ name: "listed", keel_access: { keys: [dave.id] } } as OpenAI.VectorStoreCreateParams);
  assert.equal((await dave.client.vectorStores.retrieve(listed2.id)).id, listed2.id);
  await assert.rejects(carol.client.vectorStores.retrieve(listed2.id), isNotFound, "the list names its only readers");
  await assert.rejects(dave.client.vectorStores.update(listed2.id, { name: "x" }), isNotFound);

  const bad = await fetch(`${keel.url}/v1/vector_stores`, {
    method: "POST", headers: { authorization: `Bearer ${(alice.client as unknown as { apiKey: string }).apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "x", keel_access: { keys: "everyone" } }),
  });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { param: string } }).error.param, "keel_access.keys");
});

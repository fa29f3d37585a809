import { test } from "node:test";
import assert from "node:assert/strict";
import { Worker } from "node:worker_threads";
import { pgTestDb, TEST_POSTGRES_URL } from "../testing/postgres-fixture.js";
import { contentHash } from "./prompt-content.js";
import { PgPromptStore } from "./pg-prompt-store.js";
import { promptStoreContract } from "./prompt-store.contract.js";
import type { PromptContent } from "./types.js";

promptStoreContract("postgres", () => new PgPromptStore(pgTestDb().fresh()));

/**
 * Two instances (two threads, two bridges) on one schema, pushing in lock-step rounds: the same
 * content twice gives one version; different contents give two, numbered without gaps, none lost.
 * Without the per-name advisory lock both read the same newest version and one insert fails.
 */
test("postgres: two instances racing on one name: same content → one version, different → two, no lost update", async () => {
  const { schema } = pgTestDb();
  const store = new PgPromptStore(pgTestDb().fresh());
  const rounds = 30;
  const barrier = new SharedArrayBuffer(8);
  const sync = new Int32Array(barrier);
  const entry = new URL("../testing/pg-push-race-worker.ts", import.meta.url).href;
  const worker = new Worker(`import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`, {
    eval: true,
    workerData: { url: TEST_POSTGRES_URL, schema, rounds, tag: "worker", barrier },
  });
  const exited = new Promise<number>((resolve, reject) => {
    worker.once("exit", resolve);
    worker.once("error", reject);
  });
  const push = (name: string, text: string): void => {
    const content: PromptContent = { type: "text", text };
    store.createVersion({ name, hash: contentHash(content), content, message: null, author: "main", createdAt: Date.now() });
  };
  try {
    for (let r = 0; r < rounds; r++) {
      Atomics.store(sync, 0, r + 1);
      Atomics.notify(sync, 0);
      push("same", `round ${r}`);
      push("different", `main ${r}`);
      while (Atomics.load(sync, 1) < r + 1) await new Promise((res) => setImmediate(res));
    }
    assert.equal(await exited, 0);
    const same = store.versions("same");
    assert.deepEqual(same.map((v) => v.version), Array.from({ length: rounds }, (_, i) => i + 1), "each round's content, pushed twice at once, is one version");
    const different = store.versions("different");
    assert.deepEqual(different.map((v) => v.version), Array.from({ length: 2 * rounds }, (_, i) => i + 1), "numbered without gaps or duplicates");
    const texts = new Set(different.map((v) => (v.content as { text: string }).text));
    for (let r = 0; r < rounds; r++) assert.ok(texts.has(`main ${r}`) && texts.has(`worker ${r}`), `round ${r} lost an update`);
  } finally {
    await worker.terminate();
  }
});

test("postgres: a label cannot point at a version that does not exist", () => {
  const s = new PgPromptStore(pgTestDb().fresh());
  assert.throws(() => s.moveLabel({ name: "p", label: "production", from: null, to: 7, kind: "set", at: 2, actor: "x", reason: null }, undefined), /foreign key/i);
});

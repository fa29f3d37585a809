import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { openMemorySqlite, openSqlite } from "../storage/sqlite.js";
import { contentHash } from "./prompt-content.js";
import { promptStoreContract } from "./prompt-store.contract.js";
import { SqlitePromptStore } from "./sqlite-prompt-store.js";
import type { PromptContent } from "./types.js";

/**
 * Two writers, two connections, one database file, pushing in lock-step rounds (a barrier in
 * shared memory starts each round for both at once): the same content twice gives one version;
 * different contents give two, numbered without gaps, none lost.
 */
test("two writers racing on one database: same content → one version, different → two, no lost update", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "keel-race-"));
  const rounds = 40;
  const barrier = new SharedArrayBuffer(8);
  const sync = new Int32Array(barrier);
  const db = openSqlite(dataDir);
  const store = new SqlitePromptStore(db);
  // The worker registers tsx itself: `--import` in a worker's execArgv does not reach its entry module on Node 20.
  const entry = new URL("../testing/push-race-worker.ts", import.meta.url).href;
  const worker = new Worker(`import("tsx/esm/api").then((t) => { t.register(); return import(${JSON.stringify(entry)}); });`, {
    eval: true,
    workerData: { dataDir, rounds, tag: "worker", barrier },
  });
  const exited = new Promise<number>((resolve, reject) => {
    worker.once("exit", resolve);
    worker.once("error", reject);
  });
  const pushHere = (name: string, text: string): void => {
    const content: PromptContent = { type: "text", text };
    store.createVersion({ name, hash: contentHash(content), content, message: null, author: "main", createdAt: Date.now() });
  };
  try {
    for (let r = 0; r < rounds; r++) {
      Atomics.store(sync, 0, r + 1);
      Atomics.notify(sync, 0);
      pushHere("same", `round ${r}`);
      pushHere("different", `main ${r}`);
      // Wait (without blocking the event loop for long) until the worker finished its round.
      while (Atomics.load(sync, 1) < r + 1) await new Promise((res) => setImmediate(res));
    }
    assert.equal(await exited, 0);
    const same = store.versions("same");
    assert.equal(same.length, rounds, "each round's content, pushed twice at once, is one version");
    assert.deepEqual(same.map((v) => v.version), Array.from({ length: rounds }, (_, i) => i + 1));
    const different = store.versions("different");
    assert.equal(different.length, 2 * rounds, "every distinct push got its own version");
    assert.deepEqual(different.map((v) => v.version), Array.from({ length: 2 * rounds }, (_, i) => i + 1), "numbered without gaps or duplicates");
    const texts = new Set(different.map((v) => (v.content as { text: string }).text));
    for (let r = 0; r < rounds; r++) assert.ok(texts.has(`main ${r}`) && texts.has(`worker ${r}`), `round ${r} lost an update`);
    assert.ok(new Set(different.map((v) => v.author)).size === 2);
  } finally {
    await worker.terminate();
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("label moves are compare-and-set and keep their history", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "keel-labels-"));
  const db = openSqlite(dataDir);
  try {
    const s = new SqlitePromptStore(db);
    for (const t of ["a", "b"]) {
      const content: PromptContent = { type: "text", text: t };
      s.createVersion({ name: "p", hash: contentHash(content), content, message: null, author: "x", createdAt: 1 });
    }
    const move = (to: number | null, expected: number | null | undefined): boolean =>
      s.moveLabel({ name: "p", label: "production", from: null, to, kind: "set", at: 2, actor: "x", reason: null }, expected);
    assert.equal(move(1, null), true);
    assert.equal(move(2, null), false, "expected unset, but it is at 1");
    assert.equal(move(2, 1), true);
    assert.equal(move(null, 2), true);
    assert.deepEqual(s.labels("p"), []);
    assert.deepEqual(s.labelMoves("p", "production", 10).map((m) => [m.from, m.to]), [[2, null], [1, 2], [null, 1]]);
    assert.throws(() => move(7, undefined), /FOREIGN KEY/, "a label cannot point at a version that does not exist");
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

promptStoreContract("sqlite", () => new SqlitePromptStore(openMemorySqlite()));

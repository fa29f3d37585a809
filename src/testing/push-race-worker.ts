// Test helper for src/prompts/sqlite-prompt-store.test.ts: a second writer on the same database file, in its own thread
// with its own connection, pushing as fast as it can in lock-step rounds with the main thread.
import { workerData } from "node:worker_threads";
import { openSqlite } from "../storage/sqlite.js";
import { contentHash } from "../prompts/prompt-content.js";
import { SqlitePromptStore } from "../prompts/sqlite-prompt-store.js";
import type { PromptContent } from "../prompts/types.js";

const { dataDir, rounds, tag, barrier } = workerData as { dataDir: string; rounds: number; tag: string; barrier: SharedArrayBuffer };
const db = openSqlite(dataDir);
const store = new SqlitePromptStore(db);
const sync = new Int32Array(barrier);

function push(name: string, text: string): void {
  const content: PromptContent = { type: "text", text };
  store.createVersion({ name, hash: contentHash(content), content, message: null, author: tag, createdAt: Date.now() });
}

for (let r = 0; r < rounds; r++) {
  // Wait for the main thread to open round r, then push at once: both writers race for the lock.
  while (Atomics.load(sync, 0) < r + 1) Atomics.wait(sync, 0, r);
  push("same", `round ${r}`);
  push("different", `${tag} ${r}`);
  Atomics.add(sync, 1, 1);
  Atomics.notify(sync, 1);
}
db.close();

// Test helper for src/prompts/pg-prompt-store.test.ts: a second instance (its own thread, its own
// bridge and pool) on the same schema, pushing in lock-step rounds with the main thread.
import { workerData } from "node:worker_threads";
import { contentHash } from "../prompts/prompt-content.js";
import { PgPromptStore } from "../prompts/pg-prompt-store.js";
import type { PromptContent } from "../prompts/types.js";
import { PgBridge } from "../store/postgres/pg-bridge.js";

const { url, schema, rounds, tag, barrier } = workerData as { url: string; schema: string; rounds: number; tag: string; barrier: SharedArrayBuffer };
const db = new PgBridge({ url, schema, poolMax: 2 });
const store = new PgPromptStore(db);
const sync = new Int32Array(barrier);

function push(name: string, text: string): void {
  const content: PromptContent = { type: "text", text };
  store.createVersion({ name, hash: contentHash(content), content, message: null, author: tag, createdAt: Date.now() });
}

for (let r = 0; r < rounds; r++) {
  while (Atomics.load(sync, 0) < r + 1) Atomics.wait(sync, 0, r);
  push("same", `round ${r}`);
  push("different", `${tag} ${r}`);
  Atomics.add(sync, 1, 1);
  Atomics.notify(sync, 1);
}
await db.close();

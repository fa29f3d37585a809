import { test } from "node:test";
import assert from "node:assert/strict";
import { PgBridge } from "../storage/postgres/pg-bridge.js";
import { pgTestDb, TEST_POSTGRES_URL } from "../testing/postgres-fixture.js";
import { contentHash } from "./prompt-content.js";
import { PgPromptStore } from "./pg-prompt-store.js";
import { promptStoreContract } from "./prompt-store.contract.js";
import type { PromptContent } from "./types.js";

promptStoreContract("postgres", () => new PgPromptStore(pgTestDb().fresh()));

/** Two instances on one schema (two bridges): numbering continues across them, and the other's identical push creates nothing. Sequential, not a race. */
test("postgres: two bridges on one schema share version numbering; a label cannot point at a missing version", async () => {
  const { schema } = pgTestDb();
  const a = new PgPromptStore(pgTestDb().fresh());
  const other = new PgBridge({ url: TEST_POSTGRES_URL, schema, poolMax: 2 });
  try {
    const b = new PgPromptStore(other);
    const push = (s: PgPromptStore, text: string): void => {
      const content: PromptContent = { type: "text", text };
      s.createVersion({ name: "p", hash: contentHash(content), content, message: null, author: "x", createdAt: 1 });
    };
    for (let i = 0; i < 20; i++) { push(a, `a${i}`); push(b, `b${i}`); push(b, `b${i}`); }
    const vs = a.versions("p");
    assert.deepEqual(vs.map((v) => v.version), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.throws(() => a.moveLabel({ name: "p", label: "production", from: null, to: 99, kind: "set", at: 2, actor: "x", reason: null }, undefined), /foreign key/i);
  } finally {
    await other.close();
  }
});

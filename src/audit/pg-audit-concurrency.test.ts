import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { test } from "node:test";
import { TEST_POSTGRES_URL, pgTestDb } from "../testing/postgres-fixture.js";
import { AuditLog } from "./audit-log.js";
import { PgAuditStore } from "./pg-audit-store.js";

const WORKER = fileURLToPath(new URL("./testdata/pg-append-worker.ts", import.meta.url));

function instance(schema: string, name: string, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", WORKER, TEST_POSTGRES_URL, schema, name, String(n)], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    p.stderr.on("data", (d) => (err += d));
    p.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited ${code}: ${err}`))));
  });
}

test("three processes appending to one PostgreSQL audit chain at once: no fork, every entry kept, the chain verifies", async () => {
  const t = pgTestDb();
  t.fresh();
  const per = 60;
  await Promise.all(["a", "b", "c"].map((name) => instance(t.schema, name, per)));
  const log = new AuditLog(new PgAuditStore(t.db));
  const report = log.verify();
  assert.deepEqual(report.problems, []);
  assert.equal(report.ok, true);
  assert.equal(report.checked, 3 * per);
  const seqs = [...log.entries()].map((e) => e.seq);
  assert.deepEqual(seqs, Array.from({ length: 3 * per }, (_, i) => i + 1));
  // Appends interleaved (the lock was contended, not trivially serial), and each instance's own entries are all there.
  const actors = [...log.entries()].map((e) => e.actor);
  for (const name of ["a", "b", "c"]) assert.equal(actors.filter((a) => a === name).length, per);
});

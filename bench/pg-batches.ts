/**
 * What the PostgreSQL stores' batch statements cost through the synchronous bridge: a batch of
 * stored responses as one unnest upsert against one put per response, a document's chunks as one
 * insert, a search's chunk lookup as one `= ANY`, and a store's index rebuild read (`chunksOf`).
 * Runs in a schema of its own, dropped at the end.
 *
 *   KEEL_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/pg-batches.ts
 *
 * Prints one line per figure (median of BENCH_ROUNDS, default 5); exits 0.
 */
import { randomBytes } from "node:crypto";
import { PgKnowledgeStore } from "../src/knowledge/pg-knowledge-store.js";
import type { ChunkRecord } from "../src/knowledge/types.js";
import { PgResponseStore } from "../src/responses/pg-response-store.js";
import type { StoredResponse } from "../src/responses/response-store.js";
import { PgBridge } from "../src/store/postgres/pg-bridge.js";
import { migratePostgres } from "../src/store/postgres/pg-migrate.js";
import { PG_MIGRATIONS } from "../src/storage/postgres/pg-migrations.js";

const url = process.env.KEEL_BENCH_POSTGRES_URL || "postgres://postgres@127.0.0.1:5432/test";
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const schema = `keel_bench_${randomBytes(4).toString("hex")}`;
const admin = new PgBridge({ url });
admin.exec(`CREATE SCHEMA ${schema}`);
const db = new PgBridge({ url, schema, poolMax: 2 });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = (fn: () => void): number => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};
const report = (what: string, ms: number[]): void => console.log(`${what.padEnd(58)} ${median(ms).toFixed(2).padStart(8)} ms`);

try {
  migratePostgres(db, PG_MIGRATIONS, 0x6b62);
  const responses = new PgResponseStore(db);
  const resp = (i: number, r: number): StoredResponse => ({
    id: `resp_${r}_${i}`, keyId: "key_1", createdAt: Date.now(),
    response: { id: `resp_${r}_${i}`, object: "response", status: "completed", output: [] } as unknown as StoredResponse["response"],
    conversation: [{ role: "user", content: "hello ".repeat(40) }, { role: "assistant", content: "world ".repeat(80) }],
  });
  const batch: number[] = [];
  const loop: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const rs = Array.from({ length: 200 }, (_, i) => resp(i, r));
    batch.push(time(() => responses.putBatch(rs)));
    const rs2 = Array.from({ length: 200 }, (_, i) => resp(i, r + 1000));
    loop.push(time(() => { for (const x of rs2) responses.put(x); }));
  }
  report("responses: putBatch of 200 (one statement)", batch);
  report("responses: 200 × put", loop);

  const kn = new PgKnowledgeStore(db);
  kn.putStore({ id: "vs_bench", name: "bench", metadata: {}, chunking: null, maxAgeMs: null, createdAt: 1, lastActiveAt: 1, owner: null, access: { keys: [], teams: [] } });
  const insert: number[] = [];
  const lookup: number[] = [];
  let keys: number[] = [];
  for (let r = 0; r < rounds * 2; r++) {
    const docId = `doc_${r}`;
    const chunks: Omit<ChunkRecord, "key">[] = Array.from({ length: 500 }, (_, i) => ({
      documentId: docId, storeId: "vs_bench", ordinal: i, text: `chunk ${r} ${i} `.repeat(50), textHash: `h${r}_${i}`,
      embedding: Float32Array.from({ length: 384 }, () => Math.random()), status: "live", verdict: null,
    }));
    insert.push(time(() => {
      keys = kn.insertDocument({ id: docId, storeId: "vs_bench", fileId: `file_${r}`, sourceUri: `s${r}`, contentHash: "x", version: 1, validFrom: 1, updatedAt: 1, expiresAt: null, owner: null, licence: null, supersededAt: null }, chunks).map((c) => c.key);
    }));
    const want = keys.slice(0, 50);
    lookup.push(time(() => kn.getChunks(want)));
  }
  report("knowledge: insertDocument, 500 chunks × 384 dims", insert);
  report("knowledge: getChunks, 50 keys (one = ANY)", lookup);
  const rebuild: number[] = [];
  let n = 0;
  for (let r = 0; r < rounds; r++) rebuild.push(time(() => { n = kn.chunksOf("vs_bench").length; }));
  report(`knowledge: chunksOf, ${n} chunks (an index rebuild's read)`, rebuild);
} finally {
  await db.close();
  admin.exec(`DROP SCHEMA ${schema} CASCADE`);
  await admin.close();
}

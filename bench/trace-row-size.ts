/**
 * What a trace row costs on disk: 300 calls of the gateway benchmark's 281-byte chat body through
 * a real Keel (default capture and guardrails), then bytes per row for the table and each index
 * (SQLite's dbstat) and the average stored size of each column. `node --import tsx bench/trace-row-size.ts`
 */
import { rmSync } from "node:fs";
import { openSqlite } from "../src/storage/sqlite.js";
import { startTestKeel } from "../src/testing/keel-fixture.js";
import { chatBody } from "./load.js";

const CALLS = Number(process.env.BENCH_CALLS ?? 300);
const keel = await startTestKeel();
const body = chatBody("sim", false);
for (let i = 0; i < CALLS; i++) {
  const r = await fetch(`${keel.url}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" }, body });
  await r.text();
}
const dir = keel.dataDir;
await keel.app.shutdown();
const db = openSqlite(dir);
const rows = db.prepare("SELECT count(*) FROM traces").pluck().get() as number;
const cols = (db.prepare("PRAGMA table_info(traces)").all() as { name: string }[]).map((c) => c.name);
const sizes = cols.map((c) => [c, db.prepare(`SELECT avg(length(CAST(${c} AS BLOB))) FROM traces`).pluck().get() as number] as const);
const objects = db.prepare(`SELECT d.name AS name, sum(d.pgsize) AS bytes FROM dbstat d JOIN sqlite_master m ON m.name = d.name WHERE m.tbl_name = 'traces' GROUP BY d.name ORDER BY bytes DESC`).all() as { name: string; bytes: number }[];
const total = objects.reduce((a, o) => a + o.bytes, 0);
console.log(`trace rows: ${rows} calls of a ${body.length}-byte body`);
console.log(`bytes per row, table + indexes (dbstat pages): ${(total / rows).toFixed(0)}`);
for (const o of objects) console.log(`  ${o.name.padEnd(28)} ${(o.bytes / rows).toFixed(0)}`);
console.log("average stored bytes per column (> 8):");
for (const [c, v] of sizes.filter(([, v]) => v > 8).sort((a, b) => b[1] - a[1])) console.log(`  ${c.padEnd(28)} ${v.toFixed(0)}`);
if (process.env.BENCH_SHOW_ROW) console.log(db.prepare("SELECT * FROM traces LIMIT 1").get());
db.close();
rmSync(dir, { recursive: true, force: true });

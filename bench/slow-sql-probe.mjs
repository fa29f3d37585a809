/**
 * Loaded into Keel with `--import` (bench/slow-sql.ts): times every better-sqlite3 statement
 * (run/get/all), pragma and exec on every thread (workers inherit the flag) and prints those over
 * KEEL_SLOW_SQL_MS (default 3) to stderr as `SLOWSQL t<threadId> <ms> <method> <sql…>`. On the
 * main thread (t0) every `run` is printed, so writes on the gateway's connection show up however short.
 */
import { createRequire } from "node:module";
import { threadId } from "node:worker_threads";

const require = createRequire(new URL("../package.json", import.meta.url));
const Database = require("better-sqlite3");
const threshold = Number(process.env.KEEL_SLOW_SQL_MS ?? 3);
const report = (ms, what) => {
  if (ms > threshold || (threadId === 0 && what.startsWith("run "))) process.stderr.write(`SLOWSQL t${threadId} ${ms.toFixed(1)} ${what.replace(/\s+/g, " ").slice(0, 100)}\n`);
};
const timed = (target, name, describe) => {
  const orig = target[name];
  target[name] = function (...a) {
    const t0 = performance.now();
    try {
      return orig.apply(this, a);
    } finally {
      report(performance.now() - t0, describe(this, a));
    }
  };
};
const probe = new Database(":memory:");
const Statement = Object.getPrototypeOf(probe.prepare("SELECT 1"));
probe.close();
for (const m of ["run", "get", "all"]) timed(Statement, m, (stmt) => `${m} ${stmt.source}`);
timed(Database.prototype, "pragma", (_db, a) => `pragma ${a[0]}`);
timed(Database.prototype, "exec", (_db, a) => `exec ${String(a[0])}`);

/**
 * What engine scraping costs Keel: `node --import tsx bench/engine-scrape.ts [targets=50] [interval_s=5] [seconds=30]`.
 *
 * A child process serves a vLLM metrics page (src/engines/testdata/vllm.prom, ~4 KB, with its
 * counters advanced on every request so each scrape parses new values); this process runs
 * Keel's EngineScraper over N targets pointing at it and reports its own CPU time over the run
 * (process.cpuUsage: the scraper's fetches, parsing and differencing — the server's CPU is in the
 * child and not counted). Issue 21's goal: 50 targets every 5 s ≤ 1% of one core.
 */
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { EngineScraper } from "../src/engines/engine-scraper.js";
import type { EngineConfig } from "../src/engines/engine-schema.js";

const [targets = 50, intervalS = 5, seconds = 30] = process.argv.slice(2).map(Number);
const serverSrc = `
const { readFileSync } = require("node:fs");
const base = readFileSync(process.argv[1], "utf8");
let n = 0;
require("node:http").createServer((req, res) => {
  n++;
  res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
  res.end(base.replace("50000.0", String(50000 + n * 17) + ".0").replace("10000.0", String(10000 + n * 40) + ".0"));
}).listen(0, "127.0.0.1", function () { console.log(this.address().port); });
`;
const child = spawn(process.execPath, ["-e", serverSrc, new URL("../src/engines/testdata/vllm.prom", import.meta.url).pathname], { stdio: ["ignore", "pipe", "inherit"] });
const port = await new Promise<number>((r) => child.stdout.once("data", (d: Buffer) => r(Number(String(d).trim()))));
try {
  const cfg = (i: number): EngineConfig => ({ kind: "vllm", metrics_url: `http://127.0.0.1:${port}/metrics?t=${i}`, interval_ms: intervalS * 1000, timeout_ms: 2000 });
  const scraper = new EngineScraper(new Map(Array.from({ length: targets }, (_, i) => [`vllm-${i}/m`, cfg(i)])));
  // Warm up: one scrape of every target (JIT, connections), not counted.
  await scraper.tick();
  await sleep(intervalS * 1000);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  scraper.start();
  await sleep(seconds * 1000);
  scraper.stop();
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  const cpuMs = (c.user + c.system) / 1000;
  const scrapes = Math.round((targets * (wall / 1000)) / intervalS);
  const fresh = Array.from({ length: targets }, (_, i) => scraper.fresh(`vllm-${i}/m`)).filter((f) => f !== null).length;
  console.log(`targets ${targets}, every ${intervalS} s, ${(wall / 1000).toFixed(1)} s: ~${scrapes} scrapes, ${fresh}/${targets} fresh at the end`);
  console.log(`CPU ${cpuMs.toFixed(1)} ms = ${((100 * cpuMs) / wall).toFixed(3)}% of one core (goal ≤ 1%); ${(cpuMs / Math.max(1, scrapes)).toFixed(3)} ms per scrape`);
} finally {
  child.kill();
}

import { readFileSync } from "node:fs";
import { PATTERN_DETECTORS } from "./src/guard/pii/pattern-detectors.js";
import { detectAddresses } from "./src/guard/pii/address-detector.js";
import { detectPersons } from "./src/guard/pii/person-detector.js";
const rows = readFileSync("/work/shared/data/guard/benign.jsonl", "utf8").trim().split("\n").map((l) => JSON.parse(l).text as string);
const dets: [string, (t: string) => unknown][] = [...PATTERN_DETECTORS.map((d, i) => [`pat${i}`, d] as [string, (t: string) => unknown]), ["addr", detectAddresses], ["person", detectPersons]];
for (const r of rows.slice(0, 50)) for (const [, d] of dets) d(r);
for (const [name, d] of dets) {
  const ts: [number, number][] = [];
  for (const [i, r] of rows.entries()) { const t = performance.now(); d(r); ts.push([(performance.now() - t) / Math.max(0.25, r.length / 1024), i]); }
  ts.sort((a, b) => a[0] - b[0]);
  const w = ts[Math.floor(ts.length * 0.99)];
  console.log(name, "p99 ms/KB", w[0].toFixed(3), "worst", ts[ts.length - 1][0].toFixed(2), JSON.stringify(rows[ts[ts.length - 1][1]].slice(0, 80)), rows[ts[ts.length - 1][1]].length);
}

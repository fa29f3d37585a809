#!/usr/bin/env node
// Prints the heaviest functions of a V8 .cpuprofile (node --cpu-prof) by self time, and self time
// summed per source file: where a hot path's time goes. Usage: node scripts/cpu-profile-top.mjs FILE [N]
import { readFileSync } from "node:fs";

const [file, n = "30"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/cpu-profile-top.mjs FILE.cpuprofile [N]");
  process.exit(2);
}
const p = JSON.parse(readFileSync(file, "utf8"));
const dt = new Map();
for (let i = 0; i < p.samples.length; i++) dt.set(p.samples[i], (dt.get(p.samples[i]) ?? 0) + (p.timeDeltas[i] ?? 0));
const total = [...dt.values()].reduce((a, b) => a + b, 0);
const byFn = new Map();
const byFile = new Map();
for (const node of p.nodes) {
  const us = dt.get(node.id) ?? 0;
  if (!us) continue;
  const f = node.callFrame;
  const where = (f.url || "(native)").replace(/^file:\/\/.*?\/(src|node_modules|bench)\//, "$1/");
  const name = `${f.functionName || "(anonymous)"} ${where}:${f.lineNumber + 1}`;
  byFn.set(name, (byFn.get(name) ?? 0) + us);
  byFile.set(where, (byFile.get(where) ?? 0) + us);
}
const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(n)).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${k}`).join("\n");
console.log(`total ${(total / 1000).toFixed(0)} ms sampled\n\nby function (self):\n${top(byFn)}\n\nby file (self):\n${top(byFile)}`);

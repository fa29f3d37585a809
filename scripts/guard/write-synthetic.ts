/**
 * Rewrites data/guard/train/synthetic.jsonl from the grammar in synthetic-rows.ts (seed 7), the
 * same bytes prepare-training-data.ts writes, without needing the development sets:
 *
 *   npx tsx scripts/guard/write-synthetic.ts [--extended] [--scale 0.5] [--mix pivot=0,steer=60] [--out FILE]
 *
 * Without flags it writes the committed file (no extended family). `--extended` starts from the
 * extended families at their measured size, `--scale` multiplies every extended family's draw count
 * and `--mix` sets single families: for experiments only. Prints the row counts per family.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXTENDED_MIX, NO_EXTENDED, type SyntheticMix, syntheticJsonl, syntheticRows } from "./synthetic-rows.js";

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const scale = Number(arg("--scale") ?? "1");
const mix: SyntheticMix = { ...(argv.includes("--extended") ? EXTENDED_MIX : NO_EXTENDED) };
for (const k of Object.keys(mix) as (keyof SyntheticMix)[]) mix[k] = Math.round(mix[k] * scale);
for (const kv of (arg("--mix") ?? "").split(",").filter(Boolean)) {
  const [k, v] = kv.split("=");
  if (!(k in mix) || !Number.isInteger(Number(v))) throw new Error(`bad --mix entry ${kv} (families: ${Object.keys(mix).join(", ")})`);
  mix[k as keyof SyntheticMix] = Number(v);
}
const out = arg("--out") ?? join(import.meta.dirname, "../../data/guard/train/synthetic.jsonl");
writeFileSync(out, syntheticJsonl(7, mix));
const counts: Record<string, number> = {};
for (const r of syntheticRows(7, mix)) counts[`${r.label === 1 ? "attack" : "benign"}:${r.family}`] = (counts[`${r.label === 1 ? "attack" : "benign"}:${r.family}`] ?? 0) + 1;
const rows = syntheticRows(7, mix);
console.log(JSON.stringify({ out, mix, attacks: rows.filter((r) => r.label === 1).length, benign: rows.filter((r) => r.label === 0).length, counts }, null, 2));

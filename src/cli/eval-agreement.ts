import { readFileSync } from "node:fs";
import { agreement, type AgreementReport } from "../evals/calibration/agreement.js";
import { interAnnotator } from "../evals/calibration/inter-annotator.js";
import type { CalibrationRecord } from "../evals/calibration/judge-calibration.js";
import { byRater, consensus, parseRatingsJsonl, type RatingRow } from "../evals/calibration/ratings.js";
import type { Estimate } from "../evals/stats/estimate.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };
const est = (e: Estimate & { ci?: readonly [number, number] | null }): string =>
  e.value === null ? `undefined (${e.reason})` : `${e.value.toFixed(4)}${e.ci ? `  [${e.ci[0].toFixed(4)}, ${e.ci[1].toFixed(4)}]` : ""}`;

function side(file: string): { rows: RatingRow[]; scores: Map<string, number>; raters: string[] } {
  const rows = parseRatingsJsonl(readFileSync(file, "utf8"), file);
  return { rows, scores: consensus(rows), raters: [...byRater(rows).keys()] };
}

/**
 * `keel eval agreement A.jsonl B.jsonl`: offline, no server. A side with several raters is
 * reduced to its consensus (lower median per item) for the A-vs-B statistics, and its own
 * inter-annotator agreement is reported; `all_raters` pools every rater of both files.
 */
export async function agreementCommand(a: string, b: string, o: { resamples: string; level: string; seed: string; json?: boolean }): Promise<void> {
  const A = side(a);
  const B = side(b);
  const opts = { resamples: Number(o.resamples), level: Number(o.level), seed: Number(o.seed) };
  if (!Number.isInteger(opts.resamples) || opts.resamples < 1 || !(opts.level > 0 && opts.level < 1) || !Number.isInteger(opts.seed)) throw new Error("--resamples, --level, --seed: expected a positive integer, a level in (0, 1), an integer");
  const report: AgreementReport = agreement(A.scores, B.scores, opts);
  const pooled = new Map<string, Map<string, number>>([...byRater(A.rows)].map(([r, m]) => [`a:${r}`, m]));
  for (const [r, m] of byRater(B.rows)) pooled.set(`b:${r}`, m);
  const out = {
    a: { file: a, raters: A.raters, items: A.scores.size },
    b: { file: b, raters: B.raters, items: B.scores.size },
    agreement: report,
    inter_annotator: { a: interAnnotator(byRater(A.rows)), b: interAnnotator(byRater(B.rows)), all_raters: interAnnotator(pooled) },
  };
  if (o.json) return void process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  const k = report.kappa;
  process.stdout.write([
    `${report.n} items rated by both (${report.only_a} only in A, ${report.only_b} only in B); ${Math.round(report.ci_level * 100)}% bootstrap CIs over ${report.resamples} resamples`,
    `percent agreement      ${est(report.percent_agreement)}`,
    `Cohen's kappa          ${est(k.unweighted)}`,
    `  linear weighted      ${est(k.linear)}`,
    `  quadratic weighted   ${est(k.quadratic)}`,
    `Krippendorff's alpha   nominal ${est(report.krippendorff_alpha.nominal)}; ordinal ${est(report.krippendorff_alpha.ordinal)}; interval ${est(report.krippendorff_alpha.interval)}`,
    `Spearman rho           ${est(report.spearman)}`,
    `Kendall tau-b          ${est(report.kendall_tau_b)}`,
    "",
    "confusion (rows A, columns B):",
    table(["", ...report.confusion.categories.map(String)], report.confusion.counts.map((row, i) => [String(report.confusion.categories[i]), ...row])),
    "",
  ].join("\n"));
  for (const [name, ia] of Object.entries(out.inter_annotator)) {
    if (ia) process.stdout.write(`inter-annotator (${name}): ${ia.raters.length} raters, ${ia.items} items; Krippendorff's alpha nominal ${est(ia.krippendorff_alpha.nominal)}, ordinal ${est(ia.krippendorff_alpha.ordinal)}; mean pairwise kappa ${est(ia.mean_pairwise_kappa)}\n`);
  }
}

export async function importRatings(c: Conn, set: string, file: string): Promise<void> {
  const rows = parseRatingsJsonl(readFileSync(file, "utf8"), file);
  const r = await new AdminClient(c.url, c.token).call<{ stored: number }>("PUT", `/api/v1/evals/ratings/${encodeURIComponent(set)}`, { ratings: rows });
  process.stdout.write(`stored ${r.stored} ratings in set ${set}\n`);
}

export async function listRatingSets(c: Conn): Promise<void> {
  const { data } = await new AdminClient(c.url, c.token).call<{ data: { set: string; ratings: number; raters: number; items: number }[] }>("GET", "/api/v1/evals/ratings");
  process.stdout.write(`${table(["SET", "RATINGS", "RATERS", "ITEMS"], data.map((s) => [s.set, s.ratings, s.raters, s.items]))}\n`);
}

export async function calibrate(c: Conn, runId: string, o: { metric: string; ratings: string; minKappa: string; weights: string; minItems: string; json?: boolean }): Promise<void> {
  const rec = await new AdminClient(c.url, c.token).call<CalibrationRecord>("POST", "/api/v1/evals/calibrations", {
    run_id: runId, metric: o.metric, ratings_set: o.ratings, min_kappa: Number(o.minKappa), weights: o.weights, min_items: Number(o.minItems),
  });
  if (o.json) return void process.stdout.write(`${JSON.stringify(rec, null, 2)}\n`);
  process.stdout.write(`judge ${rec.judge} (${rec.fingerprint}): ${rec.calibrated ? "CALIBRATED" : "UNCALIBRATED"} — ${rec.reason}\n`);
  if (rec.kappa_ci) process.stdout.write(`${rec.policy.weights} kappa ${rec.kappa?.toFixed(4)}  [${rec.kappa_ci[0].toFixed(4)}, ${rec.kappa_ci[1].toFixed(4)}] over ${rec.n} items\n`);
  if (rec.inter_annotator) process.stdout.write(`experts among themselves: mean pairwise kappa ${est(rec.inter_annotator.mean_pairwise_kappa)}, Krippendorff's alpha (ordinal) ${est(rec.inter_annotator.krippendorff_alpha.ordinal)}\n`);
  if (!rec.calibrated) process.exitCode = 1;
}

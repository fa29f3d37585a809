import type { ReviewItem } from "../guard/review/review-store.js";
import { CALIBRATED_SCANNERS, type Calibration, calibrateFromReviews, CalibrationError, MAX_TARGET_FPR, POLICY_NAME, policySnippet } from "../guard/eval/calibrate.js";
import { runEval, type EvalReport } from "../guard/eval/run.js";
import { NO_FACTS } from "../guard/scanners/definition.js";
import { SCANNERS } from "../guard/scanners/registry.js";
import type { GuardSource } from "../guard/types.js";
import { AdminClient } from "./admin-client.js";
import { readEvalFiles } from "./guard-eval.js";

type Conn = { url: string; token?: string };
type Page = { data: ReviewItem[]; next_cursor: string | null };

export interface GuardCalibrateOptions {
  route?: string;
  policy?: string;
  scanner?: string;
  targetFpr?: string;
  eval?: string[];
  json?: boolean;
}

/** Review items read at most: 200 pages of 500. A list longer than that is a sign to narrow by route. */
export const MAX_REVIEW_PAGES = 200;
const NAME = /^[\w.:/*@-]{1,256}$/;

/**
 * `keel guard calibrate --route R|--policy P --target-fpr 0.02`: the injection threshold that
 * clears all but the target share of the confirmed false positives on the review list, the share
 * of confirmed attacks still caught at it, optionally the figures on held-out eval rows, and the
 * keel.yaml lines that set it.
 */
export async function runGuardCalibrate(c: Conn, o: GuardCalibrateOptions): Promise<void> {
  if (o.route === undefined && o.policy === undefined) throw new Error("pass --route R (the requested model whose reviews to use) or --policy P (the policy to set the threshold in), or both");
  if (o.route !== undefined && !NAME.test(o.route)) throw new Error("--route must be 1 to 256 characters of letters, digits and . _ : / * @ -");
  if (o.policy !== undefined && !POLICY_NAME.test(o.policy)) throw new Error("--policy must be a keel.yaml policy name: lower-case letters, digits, _ . - (at most 64)");
  const scanner = o.scanner ?? "prompt_injection";
  if (!(CALIBRATED_SCANNERS as readonly string[]).includes(scanner)) throw new Error(`--scanner must be one of ${CALIBRATED_SCANNERS.join(", ")}`);
  const targetFpr = Number(o.targetFpr ?? "0.02");
  if (o.targetFpr !== undefined && !/^\d*\.?\d+$/.test(o.targetFpr.trim())) throw new Error(`--target-fpr must be a number between 0 and ${MAX_TARGET_FPR}, got "${o.targetFpr}"`);
  if (!(targetFpr >= 0 && targetFpr <= MAX_TARGET_FPR)) throw new Error(`--target-fpr must be between 0 and ${MAX_TARGET_FPR}, got ${o.targetFpr}`);
  // Eval files are read before the network, so a typo fails fast.
  const evalRows = o.eval?.length ? readEvalFiles(o.eval) : undefined;

  const items = await readReviews(new AdminClient(c.url, c.token), scanner);
  let cal: Calibration;
  try {
    cal = calibrateFromReviews(items, { scanner, route: o.route, targetFpr });
  } catch (e) {
    if (e instanceof CalibrationError) throw new Error(e.message);
    throw e;
  }
  const source: GuardSource = scanner === "indirect_injection" ? "document" : "user";
  let held: { source: GuardSource; default: EvalReport; calibrated: EvalReport } | undefined;
  if (evalRows) {
    const def = SCANNERS.get(scanner)!;
    const at = (threshold?: number): Promise<EvalReport> =>
      runEval(evalRows, [def.create(def.options.parse(threshold === undefined ? {} : { threshold }), NO_FACTS)], { source, groupBy: "family" });
    held = { source, default: await at(), calibrated: await at(cal.threshold) };
  }
  const snippet = policySnippet(cal, o.policy);
  if (o.json) {
    // The summary and the worst groups; the full table is `keel guard eval --group-by family`.
    const strip = ({ groups: _groups, ...r }: EvalReport): Omit<EvalReport, "groups"> => r;
    process.stdout.write(`${JSON.stringify({ ...cal, policy: o.policy ?? null, eval: held && { files: o.eval, source: held.source, default_threshold: strip(held.default), calibrated_threshold: strip(held.calibrated) }, yaml: snippet }, null, 2)}\n`);
    return;
  }
  const pct = (x: number | null): string => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);
  const fp = cal.confirmed_false_positives;
  const at = cal.confirmed_attacks;
  const lines = [
    `${scanner}${cal.route === null ? "" : ` on route ${cal.route}`}: threshold ${cal.threshold} for ≤ ${pct(targetFpr)} of confirmed false positives`,
    `  confirmed false positives still flagged: ${fp.still_flagged}/${fp.n} (${pct(fp.false_positive_rate)})${fp.false_positive_rate > targetFpr ? " — above the target: some scored 1, no threshold clears them" : ""}`,
    `  confirmed attacks still caught:          ${at.still_caught}/${at.n} (${at.n === 0 ? "- no confirmed attacks (rejected marks) to measure detection on" : pct(at.detection_rate)})`,
    `  open review items left out: ${cal.open}; rates are over reviewed triggers, not all traffic`,
  ];
  if (held) {
    const line = (name: string, r: EvalReport): string => {
      const od = r.over_defence ? `, trigger-word FP ${pct(r.over_defence.trigger_word.false_positive_rate)}` : "";
      const w = r.worst?.detection && r.tp + r.fn > 0 ? `, worst family ${r.worst.detection.group} ${pct(r.worst.detection.detection_rate)}` : "";
      return `  ${name.padEnd(30)} detection ${pct(r.detection_rate)} (${r.tp}/${r.tp + r.fn}), FP ${pct(r.false_positive_rate)} (${r.fp}/${r.fp + r.tn})${od}${w}`;
    };
    lines.push(`held-out eval rows (${o.eval!.join(", ")}; source ${held.source}):`, line("scanner's default threshold", held.default), line(`threshold ${cal.threshold}`, held.calibrated));
  }
  lines.push("", "keel.yaml:", snippet);
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function readReviews(client: AdminClient, scanner: string): Promise<ReviewItem[]> {
  const items: ReviewItem[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    if (++pages > MAX_REVIEW_PAGES) throw new Error(`more than ${MAX_REVIEW_PAGES * 500} review items for "${scanner}": narrow the list (resolve or filter) before calibrating`);
    const q = new URLSearchParams({ status: "all", scanner, limit: "500" });
    if (cursor) q.set("cursor", cursor);
    const page: Page = await client.call<Page>("GET", `/api/v1/guard/reviews?${q}`);
    items.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

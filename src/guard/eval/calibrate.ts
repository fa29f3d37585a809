/**
 * Per-route calibration from the false-positive review list (`keel guard calibrate`): the
 * confirmed false positives of an injection scanner are benign rows it flagged, the rejected
 * marks (the trigger was right) are attacks it caught. The threshold is the lowest one that
 * leaves at most the target share of confirmed false positives flagged; the share of confirmed
 * attacks still caught at it is the price. Both sets only hold verdicts that triggered, so the
 * rates are over reviewed triggers, not over all traffic: raising the threshold can only lower
 * both. Pure: items in, figures and a yaml snippet out.
 */
import { BUILT_IN_POLICIES } from "../policy/default-policies.js";
import { rateAt, thresholdForFpr } from "./threshold.js";

/** Scanners whose policy entry takes a `threshold` on the injection score. */
export const CALIBRATED_SCANNERS = ["prompt_injection", "indirect_injection", "multi_turn"] as const;
export type CalibratedScanner = (typeof CALIBRATED_SCANNERS)[number];

/** Highest target accepted: above it "false-positive rate" stops meaning a rare mistake. */
export const MAX_TARGET_FPR = 0.5;

/** What calibration reads of a review item (review-store.ts ReviewItem). */
export interface ReviewedVerdict {
  scanner: string;
  route: string | null;
  status: "open" | "confirmed" | "rejected";
  score: number;
  action: string;
}

export interface Calibration {
  scanner: string;
  route: string | null;
  target_fpr: number;
  threshold: number;
  confirmed_false_positives: { n: number; still_flagged: number; false_positive_rate: number };
  confirmed_attacks: { n: number; still_caught: number; detection_rate: number | null };
  /** Open items of the scanner (and route) that were left out: not yet settled. */
  open: number;
  /** The action the reviewed verdicts had (the most frequent), for the snippet. */
  action: string;
}

export class CalibrationError extends Error {
  readonly code = "calibration_impossible";
}

export function calibrateFromReviews(items: readonly ReviewedVerdict[], o: { scanner: string; route?: string; targetFpr: number }): Calibration {
  if (!(o.targetFpr >= 0 && o.targetFpr <= MAX_TARGET_FPR)) throw new RangeError(`--target-fpr must be between 0 and ${MAX_TARGET_FPR}, got ${o.targetFpr}`);
  const where = `"${o.scanner}"${o.route === undefined ? "" : ` on route "${o.route}"`}`;
  const mine = items.filter((i) => i.scanner === o.scanner && (o.route === undefined || i.route === o.route));
  if (mine.length === 0) throw new CalibrationError(`no review items for ${where}: mark false positives first (docs/guardrails.md, "False positives and the review list")`);
  const benign = mine.filter((i) => i.status === "confirmed").map((i) => i.score);
  const attacks = mine.filter((i) => i.status === "rejected").map((i) => i.score);
  const open = mine.filter((i) => i.status === "open").length;
  if (benign.length === 0) {
    throw new CalibrationError(`no confirmed false positives for ${where} (${attacks.length} confirmed attacks, ${open} open): settle open items with \`keel guard resolve ID --confirmed|--rejected\` first`);
  }
  const choice = thresholdForFpr(benign, o.targetFpr);
  const caught = attacks.filter((s) => s >= choice.threshold).length;
  const actions = new Map<string, number>();
  for (const i of mine) actions.set(i.action, (actions.get(i.action) ?? 0) + 1);
  const action = [...actions].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
  return {
    scanner: o.scanner,
    route: o.route ?? null,
    target_fpr: o.targetFpr,
    threshold: choice.threshold,
    confirmed_false_positives: { n: benign.length, still_flagged: benign.filter((s) => s >= choice.threshold).length, false_positive_rate: choice.false_positive_rate },
    confirmed_attacks: { n: attacks.length, still_caught: caught, detection_rate: rateAt(attacks, choice.threshold) },
    open,
    action,
  };
}

/** A policy name keel.yaml accepts (policy/config-schema.ts). */
export const POLICY_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** Policy names as keel.yaml accepts them, derived from a route (a requested model name). */
export function policyNameForRoute(route: string): string {
  // keel.yaml policy names: /^[a-z0-9][a-z0-9_.-]{0,63}$/ (policy/config-schema.ts).
  const slug = route.toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^[^a-z0-9]+|[-_]+$/g, "").slice(0, 48).replace(/[-_]+$/, "");
  return `${slug || "route"}-input`;
}

/**
 * The keel.yaml lines that set the threshold. A built-in policy is written out whole (a policy
 * in keel.yaml replaces the built-in of the same name); an operator's policy gets the one
 * scanner line to put in its `scanners`; a route without a policy gets a copy of
 * `default-input` with the threshold and an `assign` rule for the route.
 */
export function policySnippet(c: Pick<Calibration, "scanner" | "threshold" | "action" | "route">, policy?: string): string {
  const line = (scanner: string, action: string, threshold?: number): string =>
    `        ${scanner}: ${threshold === undefined ? action : `{ action: ${action}, threshold: ${threshold} }`}`;
  const whole = (name: string, base: string): string[] => {
    const p = BUILT_IN_POLICIES[base];
    return [
      `    ${name}:`,
      `      stage: ${p.stage}`,
      "      scanners:",
      ...Object.entries(p.scanners).map(([s, e]) => (s === c.scanner ? line(s, c.action, c.threshold) : line(s, e.action, e.threshold))),
    ];
  };
  if (policy !== undefined && BUILT_IN_POLICIES[policy]) return ["guard:", "  policies:", ...whole(policy, policy)].join("\n");
  if (policy !== undefined) {
    return ["guard:", "  policies:", `    ${policy}:`, `      scanners:                 # keep ${policy}'s other scanners; change this line`, line(c.scanner, c.action, c.threshold)].join("\n");
  }
  const route = c.route ?? "";
  const name = policyNameForRoute(route);
  return ["guard:", "  policies:", ...whole(name, "default-input"), "  assign:                       # first match wins: put it before broader rules", `    - { model: ${JSON.stringify(route)}, input: ${name} }`].join("\n");
}

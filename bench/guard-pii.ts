/**
 * PII span quality: `node --import tsx bench/guard-pii.ts FILE.jsonl [--json]`.
 *
 * Rows are `{text, spans: [{type, start, end}]}` (Presidio-research's layout). Matching rule, per
 * type: a gold span counts as found when at least one predicted span of the same type overlaps it
 * by one character or more; a predicted span counts as correct when it overlaps at least one gold
 * span of that type. Overlap rather than exact boundaries, because a detector that masks
 * "20789 Allika 46, Suite 501" as one address protects what a gold file splits into three spans.
 * Precision and recall are micro-averaged over the in-scope types; F2 = 5PR / (4P + R).
 *
 * `--half tune|held-out` keeps one half of the rows, chosen by the first byte of the SHA-256 of
 * the text (even: tune, odd: held-out): a detector is tuned on one half and its figures are
 * reported on the other, so a rule fitted to a row never grades itself.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { detectPii } from "../src/guard/pii/detect-pii.js";
import type { PiiType } from "../src/guard/pii/entity.js";

const GOLD_TO_OURS: Record<string, PiiType | undefined> = {
  PERSON: "PERSON", EMAIL_ADDRESS: "EMAIL", PHONE_NUMBER: "PHONE", CREDIT_CARD: "CREDIT_CARD", IBAN_CODE: "IBAN",
  US_SSN: "US_SSN", IP_ADDRESS: "IP_ADDRESS", STREET_ADDRESS: "STREET_ADDRESS",
};
// Our national-ID types all answer for the gold "US_SSN" class; other gold classes (GPE, ORGANIZATION,
// DATE_TIME, TITLE, AGE, NRP, DOMAIN_NAME, ZIP_CODE, US_DRIVER_LICENSE) are not PII Keel claims to find.
const OURS_TO_CLASS: Partial<Record<PiiType, string>> = { UK_NINO: "US_SSN", CA_SIN: "US_SSN", ES_DNI: "US_SSN", DATE_OF_BIRTH: "DATE_OF_BIRTH" };

interface Span { type: string; start: number; end: number }
const file = process.argv[2];
if (!file) {
  console.error("usage: bench/guard-pii.ts FILE.jsonl [--json] [--show TYPE] [--half tune|held-out]");
  process.exit(2);
}
const show = process.argv.includes("--show") ? process.argv[process.argv.indexOf("--show") + 1] : null;
const half = process.argv.includes("--half") ? process.argv[process.argv.indexOf("--half") + 1] : null;
if (half !== null && half !== "tune" && half !== "held-out") {
  console.error("--half is tune or held-out");
  process.exit(2);
}
const inHalf = (text: string): boolean => half === null || (createHash("sha256").update(text).digest()[0] % 2 === 0) === (half === "tune");
const rows = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { text: string; spans: Span[] }).filter((r) => inHalf(r.text));

const stats = new Map<string, { gold: number; found: number; pred: number; correct: number }>();
const bump = (t: string): { gold: number; found: number; pred: number; correct: number } => {
  let s = stats.get(t);
  if (!s) stats.set(t, (s = { gold: 0, found: 0, pred: 0, correct: 0 }));
  return s;
};
const overlaps = (a: Span, b: Span): boolean => a.start < b.end && b.start < a.end;
const times: number[] = [];
const perKb: number[] = [];
detectPii("warm up: Jane Doe, jane@example.com, 4111 1111 1111 1111");
for (const r of rows) {
  const t0 = performance.now();
  const pred = detectPii(r.text).map((e) => ({ type: OURS_TO_CLASS[e.type] ?? e.type, start: e.start, end: e.end }));
  const ms = performance.now() - t0;
  times.push(ms);
  perKb.push(ms / Math.max(0.05, Buffer.byteLength(r.text) / 1024));
  const gold = r.spans.flatMap((s) => (GOLD_TO_OURS[s.type] ? [{ ...s, type: GOLD_TO_OURS[s.type]! }] : []));
  for (const g of gold) {
    const s = bump(g.type);
    s.gold++;
    const hit = pred.some((p) => p.type === g.type && overlaps(p, g));
    if (hit) s.found++;
    else if (show === g.type) console.log("MISS", JSON.stringify(r.text.slice(g.start, g.end)), "|", JSON.stringify(r.text.slice(Math.max(0, g.start - 50), g.end + 30)));
  }
  for (const p of pred) {
    const s = bump(p.type);
    s.pred++;
    const ok = gold.some((g) => g.type === p.type && overlaps(p, g));
    if (ok) s.correct++;
    else if (show === p.type) console.log("FP  ", JSON.stringify(r.text.slice(p.start, p.end)), "|", JSON.stringify(r.text.slice(Math.max(0, p.start - 50), p.end + 30)));
  }
}
const f2 = (p: number, r: number): number => (p + r === 0 ? 0 : (5 * p * r) / (4 * p + r));
const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const out: Record<string, unknown> = {};
let G = 0, F = 0, P = 0, C = 0;
for (const [t, s] of [...stats].sort()) {
  const precision = s.pred ? s.correct / s.pred : 1;
  const recall = s.gold ? s.found / s.gold : 1;
  out[t] = { gold: s.gold, predicted: s.pred, precision: +precision.toFixed(3), recall: +recall.toFixed(3), f2: +f2(precision, recall).toFixed(3) };
  if (t !== "DATE_OF_BIRTH") { G += s.gold; F += s.found; P += s.pred; C += s.correct; }
}
const precision = C / P, recall = F / G;
const summary = { rows: rows.length, micro: { precision: +precision.toFixed(3), recall: +recall.toFixed(3), f2: +f2(precision, recall).toFixed(3) }, per_type: out,
  latency: { p50_ms: +pct(times, 0.5).toFixed(3), p99_ms: +pct(times, 0.99).toFixed(3), p99_ms_per_kb: +pct(perKb, 0.99).toFixed(3) } };
if (process.argv.includes("--json") || !show) console.log(JSON.stringify(summary, null, 2));

import { readFileSync } from "node:fs";
import { GROUP_BYS, type GroupBy, type GroupMetrics } from "../guard/eval/groups.js";
import { DEFAULT_EVAL_POLICY, scannersForPolicy } from "../guard/eval/policies.js";
import { EvalRowError, type EvalRow, parseEvalRows } from "../guard/eval/rows.js";
import { type EvalReport, runEval } from "../guard/eval/run.js";
import type { GuardSource } from "../guard/types.js";
import { table } from "./table.js";

export interface GuardEvalOptions {
  policy?: string;
  source?: string;
  json?: boolean;
  byScanner?: boolean;
  groupBy?: string;
}

const SOURCES: readonly GuardSource[] = ["user", "document", "tool_result", "output"];

/**
 * Rows of every file, in order; `-` is stdin (once). A bad row names its file and line, so a run
 * over an attack set and a benign set at once says which one is broken.
 */
export function readEvalFiles(files: readonly string[], read: (file: string) => string = (f) => readFileSync(f === "-" ? 0 : f, "utf8")): EvalRow[] {
  if (files.length === 0) throw new Error("pass at least one JSONL file (or - for stdin)");
  if (files.filter((f) => f === "-").length > 1) throw new Error("stdin (-) can be read only once");
  const rows: EvalRow[] = [];
  for (const file of files) {
    let got: EvalRow[];
    try {
      got = parseEvalRows(read(file));
    } catch (e) {
      if (e instanceof EvalRowError) throw new Error(`${file === "-" ? "stdin" : file}: ${e.message}`);
      throw e;
    }
    if (got.length === 0) throw new Error(`${file === "-" ? "stdin" : file}: no rows`);
    rows.push(...got);
  }
  return rows;
}

/** `keel guard eval FILE.jsonl…`: offline, in-process; prints metrics for the policy's scanner stack. */
export async function runGuardEval(files: string | string[], o: GuardEvalOptions): Promise<void> {
  const list = typeof files === "string" ? [files] : files;
  const source = (o.source ?? "user") as GuardSource;
  if (!SOURCES.includes(source)) throw new Error(`--source must be one of ${SOURCES.join(", ")}`);
  if (o.groupBy !== undefined && !GROUP_BYS.includes(o.groupBy as GroupBy)) throw new Error(`--group-by must be one of ${GROUP_BYS.join(", ")}`);
  const rows = readEvalFiles(list);
  const policy = o.policy ?? DEFAULT_EVAL_POLICY;
  const scanners = scannersForPolicy(policy, source);
  // One untimed pass over a few rows: loading the model and compiling regexes is start-up, not latency.
  for (const s of scanners) for (const r of rows.slice(0, 3)) await s.scan({ text: r.text, source, history: r.history });
  const report = await runEval(rows, scanners, { source, byScanner: o.byScanner === true, groupBy: o.groupBy as GroupBy | undefined });
  const out = { file: list.length === 1 ? list[0] : list, policy, ...report };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  process.stdout.write(formatEvalReport(policy, source, report));
}

const pct = (x: number | null): string => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);

/** The text report: the stack's line, per scanner, over-defence, then the per-group table and the worst groups. */
export function formatEvalReport(policy: string, source: GuardSource, report: EvalReport): string {
  const line = (name: string, m: typeof report): string =>
    `${name.padEnd(22)} n=${m.n} tp=${m.tp} fp=${m.fp} tn=${m.tn} fn=${m.fn} detection=${pct(m.detection_rate)} fp_rate=${pct(m.false_positive_rate)} p50=${m.p50_ms}ms p99=${m.p99_ms}ms`;
  const lines = [line(`${policy} (${source})`, report)];
  for (const [name, m] of Object.entries(report.by_scanner ?? {})) lines.push(`  ${line(name, { ...report, ...m })}`);
  const od = report.over_defence;
  if (od) {
    lines.push(`over-defence: fp_rate on benign rows with trigger words ${pct(od.trigger_word.false_positive_rate)} (${od.trigger_word.fp}/${od.trigger_word.n}), on other benign rows ${pct(od.other.false_positive_rate)} (${od.other.fp}/${od.other.n})`);
  }
  if (report.groups) {
    lines.push("", groupTable(report.group_by!, report.groups));
    const w = report.worst!;
    if (w.detection) lines.push(`worst ${report.group_by} for detection: ${w.detection.group} (${pct(w.detection.detection_rate)}, ${w.detection.tp}/${w.detection.attacks})`);
    if (w.false_positive) lines.push(`worst benign-only ${report.group_by} for false positives: ${w.false_positive.group} (${pct(w.false_positive.false_positive_rate)}, ${w.false_positive.fp}/${w.false_positive.benign})`);
  }
  return `${lines.join("\n")}\n`;
}

export function groupTable(by: GroupBy, groups: readonly GroupMetrics[]): string {
  return table(
    [by.toUpperCase(), "N", "ATTACKS", "BENIGN", "DETECTION", "FP RATE", "P99 MS"],
    groups.map((g) => [g.group, g.n, g.attacks, g.benign, pct(g.detection_rate), pct(g.false_positive_rate), g.p99_ms]),
  );
}

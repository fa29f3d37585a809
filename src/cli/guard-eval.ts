import { readFileSync } from "node:fs";
import { DEFAULT_EVAL_POLICY, scannersForPolicy } from "../guard/eval/policies.js";
import { parseEvalRows } from "../guard/eval/rows.js";
import { runEval } from "../guard/eval/run.js";
import type { GuardSource } from "../guard/types.js";

export interface GuardEvalOptions {
  policy?: string;
  source?: string;
  json?: boolean;
  byScanner?: boolean;
}

const SOURCES: readonly GuardSource[] = ["user", "document", "tool_result", "output"];

/** `keel guard eval FILE.jsonl`: offline, in-process; prints metrics for the policy's scanner stack. */
export async function runGuardEval(file: string, o: GuardEvalOptions): Promise<void> {
  const source = (o.source ?? "user") as GuardSource;
  if (!SOURCES.includes(source)) throw new Error(`--source must be one of ${SOURCES.join(", ")}`);
  const text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  const rows = parseEvalRows(text);
  if (rows.length === 0) throw new Error(`${file}: no rows`);
  const policy = o.policy ?? DEFAULT_EVAL_POLICY;
  const scanners = scannersForPolicy(policy, source);
  // One untimed pass over a few rows: loading the model and compiling regexes is start-up, not latency.
  for (const s of scanners) for (const r of rows.slice(0, 3)) await s.scan({ text: r.text, source, history: r.history });
  const report = await runEval(rows, scanners, { source, byScanner: o.byScanner === true });
  const out = { file, policy, ...report };
  if (o.json) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return;
  }
  const pct = (x: number | null): string => (x === null ? "-" : `${(100 * x).toFixed(1)}%`);
  const line = (name: string, m: typeof report): string =>
    `${name.padEnd(22)} n=${m.n} tp=${m.tp} fp=${m.fp} tn=${m.tn} fn=${m.fn} detection=${pct(m.detection_rate)} fp_rate=${pct(m.false_positive_rate)} p50=${m.p50_ms}ms p99=${m.p99_ms}ms`;
  process.stdout.write(`${line(`${policy} (${source})`, report)}\n`);
  for (const [name, m] of Object.entries(report.by_scanner ?? {})) process.stdout.write(`  ${line(name, { ...report, ...m })}\n`);
}

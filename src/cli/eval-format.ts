import type { RunRecord } from "../evals/runner/run-types.js";
import type { MetricSummary } from "../evals/runner/summary.js";
import { table } from "./table.js";

const num = (v: number | null | undefined, d = 3): string => (v === null || v === undefined ? "-" : v.toFixed(d));

/** A run's header and metric table, as `keel eval run` and `keel eval show` print them. */
export function formatRun(run: RunRecord): string {
  const s = run.summary;
  const lines = [
    `run ${run.id}  ${run.name}  ${run.status}`,
    `dataset ${run.dataset ?? "-"}${run.dataset_version !== null ? `@${run.dataset_version}` : ""}  target ${run.config.target.description}  repeats ${run.config.repeats}`,
    `started ${run.started_at}${run.ended_at ? `  ended ${run.ended_at}` : ""}  cost $${run.cost_usd.toFixed(4)}`,
  ];
  if (!s) return `${lines.join("\n")}\n`;
  lines.push(`${s.items} items, ${s.results} results, ${s.target_errors} target errors, ${s.cached_outputs} cached outputs`, "");
  lines.push(table(
    ["METRIC", "KIND", "ITEMS", "MEAN", "SD", "PASS", "REPEAT VAR", "UNDEF", "ERR", "CHECKS"],
    s.metrics.map((m: MetricSummary) => [
      m.name, m.kind, m.items, num(m.mean), num(m.sd), num(m.pass_rate), num(m.repeat_variance, 4),
      m.undefined ? `${m.undefined} (${Object.entries(m.undefined_reasons).map(([k, v]) => `${k}:${v}`).join(",")})` : 0,
      m.errors, m.checks.map((c) => `${c.ok ? "ok" : "FAIL"} ${c.kind}≥${c.min}`).join(" ") + (m.consistency_rate !== undefined ? ` consistency ${num(m.consistency_rate)}` : ""),
    ]),
  ));
  lines.push("", s.passed ? "all thresholds met" : "THRESHOLDS NOT MET");
  return `${lines.join("\n")}\n`;
}

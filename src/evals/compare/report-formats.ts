import type { RunComparison } from "./compare.js";
import type { GateResult } from "./gate.js";

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, "");
}

/** JUnit XML (the de-facto schema CI systems read): one testcase per gate check. */
export function gateJunit(g: GateResult): string {
  const failures = g.checks.filter((c) => c.status === "fail").length;
  const skipped = g.checks.filter((c) => c.status === "skipped").length;
  const cases = g.checks.map((c) => {
    const head = `    <testcase classname="keel.eval.${xml(c.metric ?? "run")}" name="${xml(c.check)}">`;
    if (c.status === "fail") return `${head}\n      <failure message="${xml(c.message)}" type="${xml(c.check)}"/>\n    </testcase>`;
    if (c.status === "skipped") return `${head}\n      <skipped message="${xml(c.message)}"/>\n    </testcase>`;
    return `${head}\n      <system-out>${xml(c.message)}</system-out>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="keel eval gate" tests="${g.checks.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="${xml(`keel eval gate ${g.run}${g.baseline ? ` vs ${g.baseline}` : ""}`)}" tests="${g.checks.length}" failures="${failures}" skipped="${skipped}" errors="0">`,
    ...cases,
    "  </testsuite>",
    "</testsuites>",
    "",
  ].join("\n");
}

function md(s: string): string {
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown summary for a CI job summary or a pull-request comment. */
export function gateMarkdown(g: GateResult): string {
  const icon = { pass: "✅", fail: "❌", skipped: "⚪" } as const;
  const lines = [
    `## Keel eval gate: ${g.passed ? "✅ passed" : "❌ failed"}`,
    "",
    `Run \`${g.run}\`${g.baseline ? ` against baseline \`${g.baseline}\`` : ""}.`,
    "",
    "| | metric | check | detail |",
    "| --- | --- | --- | --- |",
    ...g.checks.map((c) => `| ${icon[c.status]} | ${md(c.metric ?? "—")} | ${c.check} | ${md(c.message)} |`),
  ];
  if (g.comparison) lines.push("", comparisonMarkdown(g.comparison));
  return `${lines.join("\n")}\n`;
}

export function comparisonMarkdown(c: RunComparison): string {
  const f = (v: number | null, signed = false): string => (v === null ? "n/a" : `${signed && v >= 0 ? "+" : ""}${v.toFixed(3)}`);
  return [
    `### ${c.candidate} vs ${c.baseline}`,
    "",
    `| metric | n | baseline | candidate | Δ | ${Math.round(c.level * 100)}% CI | pass rate | McNemar p | verdict |`,
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ...c.metrics.map((m) =>
      `| ${md(m.name)} | ${m.paired} | ${f(m.baseline_mean)} | ${f(m.candidate_mean)} | ${f(m.delta, true)} | ${m.ci ? `[${f(m.ci[0], true)}, ${f(m.ci[1], true)}]` : "n/a"} | ${m.pass ? `${f(m.pass.baseline_rate)} → ${f(m.pass.candidate_rate)}` : "n/a"} | ${m.pass ? m.pass.p_value.toPrecision(3) : "n/a"} | ${m.mean_verdict}${m.pass && m.pass.verdict !== "no_change" ? ` / pass ${m.pass.verdict}` : ""} |`),
  ].join("\n");
}

/**
 * Compound trigger rate and latency of a policy stack: `node --import tsx bench/guard-policy.ts FILE.jsonl [--policy default-input] [--source user] [--cold]`.
 *
 * Runs every scanner of the policy on each row's `text` (rows `{text, label?}`; label-1 rows are
 * skipped, so a benign file measures false positives), the way the gateway does, and reports:
 * per scanner, the share of rows it triggered on; compound, the share of rows on which any
 * scanner with a `block` action fired (the request would be refused), with `block` or `redact`
 * (it would be altered), and with anything but `log` (it would be flagged for review); and the
 * latency of the whole stack per row: p50, p99, and p99 per KB of input.
 */
import { readFileSync } from "node:fs";
import { runScanners } from "../src/guard/engine/run-scanners.js";
import { guardConfigSchema } from "../src/guard/policy/config-schema.js";
import { GuardService } from "../src/guard/policy/guard-service.js";
import { instantiate } from "../src/guard/request-guard.js";
import { NO_FACTS } from "../src/guard/scanners/definition.js";
import type { GuardSource } from "../src/guard/types.js";

const arg = (name: string, dflt: string): string => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : dflt);
const file = process.argv[2];
if (!file) {
  console.error("usage: bench/guard-policy.ts FILE.jsonl [--policy NAME] [--source SOURCE] [--json]");
  process.exit(2);
}
const policyName = arg("--policy", "default-input");
const source = arg("--source", "user") as GuardSource;
const rows = readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { text: string; label?: number }).filter((r) => r.label !== 1);
const service = new GuardService(guardConfigSchema.parse({}));
const policy = service.policy(policyName);
if (!policy) throw new Error(`no policy ${policyName}`);
const entries = instantiate(policy, NO_FACTS);
// Warm-up: one untimed pass over all rows, so the figures are steady-state. V8 compiles each regex
// lazily, and again for two-byte strings (any non-Latin-1 character): one-off costs of a few ms
// per regex that a long-running gateway pays once. `--cold` skips it to show them.
if (!process.argv.includes("--cold")) for (const r of rows) await runScanners(entries, { text: r.text, source }, { budgetMs: 1e9 });

const per = new Map<string, number>();
const lat = new Map<string, number[]>();
let block = 0, alter = 0, flagged = 0;
const ms: number[] = [];
const msPerKb: number[] = [];
for (const r of rows) {
  const t0 = performance.now();
  const vs = await runScanners(entries, { text: r.text, source }, { budgetMs: 1e9 });
  const dt = performance.now() - t0;
  ms.push(dt);
  msPerKb.push(dt / Math.max(0.25, Buffer.byteLength(r.text) / 1024));
  for (const v of vs) {
    const l = lat.get(v.scanner) ?? [];
    l.push(v.latencyMs / Math.max(0.25, Buffer.byteLength(r.text) / 1024));
    lat.set(v.scanner, l);
  }
  const hit = vs.filter((v) => v.triggered);
  for (const v of hit) per.set(v.scanner, (per.get(v.scanner) ?? 0) + 1);
  if (hit.some((v) => v.action === "block")) block++;
  if (hit.some((v) => v.action === "block" || v.action === "redact")) alter++;
  if (hit.some((v) => v.action !== "log")) flagged++;
}
const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const rate = (n: number): number => +(n / rows.length).toFixed(4);
const out = {
  file, policy: policyName, source, rows: rows.length, warm: !process.argv.includes("--cold"),
  compound: { blocked: rate(block), blocked_or_redacted: rate(alter), any_non_log_trigger: rate(flagged) },
  per_scanner: Object.fromEntries(entries.filter((e) => e.scanner.sources.includes(source)).map((e) => [e.scanner.name, { action: e.action, trigger_rate: rate(per.get(e.scanner.name) ?? 0), p99_ms_per_kb: +pct(lat.get(e.scanner.name) ?? [0], 0.99).toFixed(3) }])),
  latency: { p50_ms: +pct(ms, 0.5).toFixed(3), p99_ms: +pct(ms, 0.99).toFixed(3), p99_ms_per_kb: +pct(msPerKb, 0.99).toFixed(3), note: "rows under 256 bytes count as 0.25 KB" },
};
console.log(JSON.stringify(out, null, 2));

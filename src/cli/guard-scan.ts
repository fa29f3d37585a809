import { readFileSync } from "node:fs";
import { loadConfig } from "../config/load.js";
import { GuardService } from "../guard/policy/guard-service.js";
import { scanText } from "../guard/scan-text.js";
import type { GuardSource } from "../guard/types.js";

export interface GuardScanOptions {
  source?: string;
  policy?: string;
  config?: string;
  json?: boolean;
}

const SOURCES: readonly GuardSource[] = ["user", "document", "tool_result", "output"];

/**
 * `keel guard scan FILE|-`: screens one text offline, in-process, under a policy of keel.yaml
 * (or the built-in defaults) and prints each scanner's verdict. Exit code 0 whatever the verdict:
 * the output says what the gateway would do; scripts read `action` from `--json`.
 */
export async function runGuardScan(file: string, o: GuardScanOptions): Promise<void> {
  const source = (o.source ?? "user") as GuardSource;
  if (!SOURCES.includes(source)) throw new Error(`--source must be one of ${SOURCES.join(", ")}`);
  const text = file === "-" ? readFileSync(0, "utf8") : readFileSync(file, "utf8");
  const config = loadConfig(o.config ? { configPath: o.config } : {});
  const service = new GuardService(config.guard);
  const report = await scanText(service, { text, source, policy: o.policy });
  if (o.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const lines = [`policy ${report.policy} · ${text.length} characters · ${source}`, `action: ${report.action}${report.blocked_by ? ` (blocked by ${report.blocked_by})` : ""}`, ""];
  const w = Math.max(...report.verdicts.map((v) => v.scanner.length), 7);
  lines.push(`${"scanner".padEnd(w)}  trig  score  action  ms      findings`);
  for (const v of report.verdicts) {
    const findings = v.findings.map((f) => (f.start === undefined ? f.type : `${f.type}@${f.start}-${f.end}`)).join(", ");
    lines.push(`${v.scanner.padEnd(w)}  ${v.triggered ? "yes " : "no  "}  ${v.score.toFixed(2).padStart(5)}  ${v.action.padEnd(6)}  ${v.latency_ms.toFixed(2).padStart(6)}  ${findings}${v.timed_out ? " (timed out)" : ""}`);
  }
  if (report.redacted !== undefined) lines.push("", "redacted:", report.redacted);
  process.stdout.write(`${lines.join("\n")}\n`);
}

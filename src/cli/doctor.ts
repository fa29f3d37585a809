import { gatherEvidence } from "../doctor/evidence.js";
import { assess, type MaturityReport } from "../doctor/maturity.js";
import { AdminClient } from "./admin-client.js";
import { table } from "./table.js";

type Conn = { url: string; token?: string };

/** `keel doctor`: the maturity level with evidence, the next steps, and the supply chain. */
export async function runDoctor(c: Conn, o: { window: string; json?: boolean; minLevel?: string }): Promise<void> {
  const windowDays = Number(o.window);
  if (!/^\d{1,3}$/.test(o.window) || windowDays < 1 || windowDays > 365) throw new Error(`--window must be a number of days in [1, 365], got "${o.window}"`);
  const minLevel = o.minLevel === undefined ? undefined : Number(o.minLevel);
  if (minLevel !== undefined && !(Number.isInteger(minLevel) && minLevel >= 0 && minLevel <= 4 && /^\d$/.test(o.minLevel ?? ""))) throw new Error(`--min-level must be an integer in [0, 4], got "${o.minLevel}"`);
  const client = new AdminClient(c.url, c.token);
  const report = assess(await gatherEvidence((path) => client.call("GET", path), windowDays));
  if (o.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(render(report, windowDays));
  if (minLevel !== undefined && report.level < minLevel) {
    process.stderr.write(`keel doctor: level ${report.level} is below --min-level ${minLevel}\n`);
    process.exitCode = 1;
  }
}

const NAMES = ["ad hoc", "instrumented", "managed", "optimized", "adaptive"];

function render(r: MaturityReport, windowDays: number): string {
  const lines = [`Maturity level ${r.level} (${NAMES[r.level]}), from the last ${windowDays} days of this instance's data\n`];
  lines.push(table(["LEVEL", "CHECK", "STATUS", "EVIDENCE"], r.criteria.map((c) => [c.level, c.title, c.status.toUpperCase(), c.evidence])));
  if (r.nextSteps.length > 0) {
    lines.push("\nNext steps:");
    for (const s of r.nextSteps) lines.push(`  - (level ${s.level}) ${s.step}`);
  }
  lines.push("\nSupply chain (models in use):");
  lines.push(r.supplyChain.length === 0 ? "  no traffic in the window" : table(["MODEL", "SHARE", "LAST FINGERPRINT CHANGE", "DRIFT CANARY"], r.supplyChain.map((m) => [m.model, `${(100 * m.share).toFixed(1)}%`, m.lastFingerprintChange, m.canary ? "yes" : "NO"])));
  if (r.modelsWithoutCanary.length > 0) lines.push(`\nModels with no drift canary: ${r.modelsWithoutCanary.join(", ")}`);
  return `${lines.join("\n")}\n`;
}

import type { AgreementReport } from "./agreement.js";
import { syntheticShare } from "./synthetic-share.js";
import type { ExportFormat } from "./queue-schema.js";
import type { QueueItem, QueueRecord } from "./types.js";

export interface CardInput {
  queue: QueueRecord;
  format: ExportFormat;
  rows: number;
  sources: readonly string[];
  origins: readonly string[];
  items: readonly QueueItem[];
  judged: number;
  report: AgreementReport;
  sha256: string;
  forced: boolean;
  now: number;
  /** Pairs dropped to balance chosen/rejected lengths, or null when not balanced. */
  balancedDropped?: number | null;
}

const FORMAT_NAMES: Record<ExportFormat, string> = {
  sft: "OpenAI chat fine-tuning (messages)",
  dpo: "TRL conversational preference (prompt, chosen, rejected)",
  "openai-dpo": "OpenAI preference fine-tuning (input, preferred_output, non_preferred_output)",
  kto: "TRL conversational unpaired preference (prompt, completion, label)",
};

/** The export's dataset card (Markdown): what is in it, where it came from, how far the reviewers agreed. */
export function datasetCard(c: CardInput): string {
  const q = c.queue;
  const count = (xs: readonly (string | null | number)[]): string => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(String(x ?? "none"), (m.get(String(x ?? "none")) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} (${n})`).join(", ");
  };
  const fmt = (v: number | null): string => (v === null ? "undefined" : v.toFixed(3));
  const lines = [
    `# Dataset card: ${q.name} (${c.format})`,
    "",
    ...(c.forced ? [`> **Exported below the agreement threshold (forced):** alpha ${fmt(c.report.overall)} < min_agreement ${q.minAgreement}.`, ""] : []),
    `- Format: ${FORMAT_NAMES[c.format]}, JSONL`,
    `- Rows: ${c.rows}`,
    `- Content hash (sha256 of the JSONL file): \`${c.sha256}\``,
    `- Exported: ${new Date(c.now).toISOString()}`,
    `- Licence: ${q.licence ?? "not stated"}`,
    `- Synthetic or LLM-judge rows: ${(syntheticShare(c.origins) * 100).toFixed(1)}% (every row of a queue is human-labelled)`,
    ...(c.balancedDropped !== undefined && c.balancedDropped !== null ? [`- Length-balanced: ${c.balancedDropped} pairs dropped so the longer answer is chosen in half the unequal pairs`] : []),
    `- Provenance: one line per row in the side file \`*.provenance.jsonl\` (row n ↔ line n)`,
    "",
    "## Sources",
    "",
    `- Annotation queue \`${q.name}\`: ${c.items.length} traces, ${c.judged} done (each labelled by ${q.reviewersPerItem} reviewers)`,
    `- Row sources: ${count(c.sources)}`,
    `- Origins: ${count(c.origins)}`,
    `- Models: ${count(c.items.map((i) => i.model))}`,
    `- Prompt versions: ${count(c.items.map((i) => (i.promptName ? `${i.promptName}@${i.promptVersion}` : null)))}`,
    `- Reviewers: ${q.reviewers.map((r) => `${r.name} (${r.expertise})`).join(", ")}`,
    "",
    "## Filters",
    "",
    "```json",
    JSON.stringify(q.filter),
    "```",
    "",
    `Rubric: ${q.rubric.dimensions.map((d) => `${d.name} (${d.scale.kind})`).join(", ")}; the first dimension decides pass/fail and pair order.`,
    "",
    "## Agreement",
    "",
    "| dimension | metric | units | Krippendorff's alpha | 95% CI |",
    "|---|---|---|---|---|",
    ...c.report.dimensions.map((d) => `| ${d.dimension} | ${d.metric} | ${d.units} | ${fmt(d.alpha.value)} | ${d.alpha_ci ? `${d.alpha_ci.low.toFixed(3)}–${d.alpha_ci.high.toFixed(3)}` : "–"} |`),
    "",
    `Overall (lowest alpha): ${fmt(c.report.overall)}; min_agreement: ${q.minAgreement ?? "none"}; threshold met: ${c.report.meets_threshold ? "yes" : "no"}.`,
    "",
  ];
  return lines.join("\n");
}

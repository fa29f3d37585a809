import { createHash } from "node:crypto";
import { KeelError } from "../errors/errors.js";
import type { AgreementReport } from "./agreement.js";
import { consensus, origin } from "./consensus.js";
import { datasetCard } from "./dataset-card.js";
import { passes } from "./label-check.js";
import type { ExportFormat } from "./queue-schema.js";
import { dpoRow, ktoRow, openAiDpoRow, sftRow } from "./training-formats.js";
import type { LabelRecord, QueueItem, QueueRecord } from "./types.js";

/** Who or what made a row's preferred side (the share cap counts `llm_judge` and `synthetic`). */
export type RowOrigin = "human_expert" | "human_generalist" | "llm_judge" | "synthetic" | "user_feedback";

/** One row's provenance, line-aligned with the JSONL rows (line n describes row n). */
export interface RowProvenance {
  row: number;
  row_sha256: string;
  /** Stable across exports of the same source: what `keel data diff` matches rows by. */
  row_key: string;
  origin: RowOrigin;
  /** What the preferred side is: a reviewed model answer, a correction, a pair, a judged pair, a dataset item's expected output. */
  source: "model_answer" | "correction" | "pair" | "judge_pair" | "expected_output";
  /** The `--from` source the row came from (`queue:NAME`, `feedback`, `pairwise:RUN_ID`, `dataset:NAME`). */
  from: string;
  queue: string | null;
  trace_ids: string[];
  model: string | null;
  route: string | null;
  /** What was asked: the route (model, alias) of a traced call, an eval run's target description. */
  target: string | null;
  prompt: string | null;
  prompt_version: number | null;
  traced_at: string | null;
  labelled_at: string | null;
  reviewers: { name: string; expertise: string }[];
  consensus: Record<string, number | null>;
  agreement: number | null;
  licence: string | null;
  /** LLM-judge rows: the judge model, the judge's system_fingerprint as it answered (null when not reported) and Keel's judge fingerprint (model + criteria). */
  judge?: { model: string | null; system_fingerprint: string | null; fingerprint: string | null };
  /** Synthetic rows: the model that generated them. */
  synthetic_model?: string;
  /** Eval-run rows: the run and dataset item. */
  run?: string;
  item?: string;
}

/** A row before it is numbered and hashed: the row, its provenance, and for pairs the chosen/rejected lengths. */
export interface Candidate {
  row: unknown;
  prov: Omit<RowProvenance, "row" | "row_sha256">;
  lengths?: [number, number];
}

export interface ExportResult {
  format: ExportFormat;
  /** The JSONL file's text: one row per line, newline-terminated. */
  jsonl: string;
  provenance: string;
  card: string;
  rows: number;
  /** sha256 of the canonical rows (the JSONL text). */
  sha256: string;
  forced: boolean;
}

interface Judged {
  item: QueueItem;
  labels: LabelRecord[];
  score: number;
  good: boolean;
  correction: string | null;
}

/**
 * A queue's labels as a training file. Only done items count (every assigned reviewer labelled).
 * The first rubric dimension decides: its consensus passes (SFT, KTO label) and ranks answers to
 * the same prompt (DPO: the best against the worst, when they differ). A reviewer's correction is
 * a preferred answer over the model's (SFT row, DPO chosen vs the original, KTO positive).
 */
export function exportQueue(q: QueueRecord, items: readonly QueueItem[], labels: readonly LabelRecord[], report: AgreementReport, format: ExportFormat, o: { force?: boolean; balance?: boolean; now: number }): ExportResult {
  gateAgreement(q, report, o.force);
  const made = queueCandidates(q, items, labels, report, format);
  if (made.candidates.length === 0) throw new KeelError("invalid_request", made.empty!, { param: "queue" });
  const rows = made.candidates;
  let dropped = 0;
  if (o.balance && (format === "dpo" || format === "openai-dpo")) {
    const kept = balanceByLength(rows, (r) => r.lengths!);
    dropped = rows.length - kept.length;
    rows.splice(0, rows.length, ...kept);
  }
  if (rows.length === 0) {
    throw new KeelError("invalid_request", `Export of queue ${q.name} as ${format} has no qualifying rows: the length balance removed all ${dropped} pairs (in every one the chosen answer is longer, or in every one shorter); export without --balance.`, { param: "balance" });
  }
  const { jsonl, provenance, sha256 } = serialise(rows);
  const card = datasetCard({ queue: q, format, rows: rows.length, sources: rows.map((r) => r.prov.source), items, judged: made.judged, report, sha256, forced: !report.meets_threshold, now: o.now, origins: rows.map((r) => r.prov.origin), balancedDropped: o.balance ? dropped : null });
  return { format, jsonl, provenance, card, rows: rows.length, sha256, forced: !report.meets_threshold };
}

/** Refuses a queue below its agreement threshold unless forced. */
export function gateAgreement(q: QueueRecord, report: AgreementReport, force?: boolean): void {
  if (!report.meets_threshold && !force) {
    throw new KeelError("conflict", `Queue ${q.name}'s agreement (alpha ${report.overall === null ? "undefined" : report.overall.toFixed(3)}) is below its min_agreement ${q.minAgreement}; export refused (force it with --force; the card then says so).`, { param: "force" });
  }
}

/** Numbers and hashes rows: the JSONL (one row per line, each in its format's fixed field order), its sha256 (the content hash), and the provenance lines. */
export function serialise(rows: readonly Candidate[]): { jsonl: string; provenance: string; sha256: string; lines: string[] } {
  const lines = rows.map((r) => JSON.stringify(r.row));
  const jsonl = `${lines.join("\n")}\n`;
  const provenance = rows.map((r, i) => JSON.stringify({ row: i, row_sha256: createHash("sha256").update(lines[i]).digest("hex"), ...r.prov })).join("\n") + "\n";
  return { jsonl, provenance, sha256: createHash("sha256").update(jsonl).digest("hex"), lines };
}

/**
 * A queue's rows in a format, before balancing. Only done items count (every assigned reviewer
 * labelled). The first rubric dimension decides: its consensus passes (SFT, KTO label) and ranks
 * answers to the same prompt (DPO: the best against the worst, when they differ). A reviewer's
 * correction is a preferred answer over the model's (SFT row, DPO chosen vs the original, KTO
 * positive). `empty` says which filter removed everything when there is no row.
 */
export function queueCandidates(q: QueueRecord, items: readonly QueueItem[], labels: readonly LabelRecord[], report: AgreementReport, format: ExportFormat, from = `queue:${q.name}`): { candidates: Candidate[]; judged: number; empty: string | null } {
  const dim = q.rubric.dimensions[0];
  const byItem = new Map<string, LabelRecord[]>();
  for (const l of labels) (byItem.get(l.itemId) ?? byItem.set(l.itemId, []).get(l.itemId)!).push(l);
  const done = items.filter((i) => i.state === "done");
  const judged: Judged[] = done.map((item) => {
    const ls = byItem.get(item.id) ?? [];
    const c = consensus(dim, ls);
    const good = c !== null && passes(dim, c);
    const score = dim.scale.kind === "nominal" ? (good ? 1 : 0) : (c ?? 0);
    const corr = [...ls].sort((a, b) => (a.expertise === b.expertise ? b.at - a.at : a.expertise === "expert" ? -1 : 1)).find((l) => l.correction)?.correction ?? null;
    return { item, labels: ls, score, good, correction: corr };
  });
  const rows: Candidate[] = [];
  const add = (row: unknown, js: Judged[], source: RowProvenance["source"], lengths?: [number, number]): void => void rows.push({ row, prov: provenanceOf(q, js, source, report, from), ...(lengths ? { lengths } : {}) });
  if (format === "sft") {
    for (const j of judged) {
      if (j.correction) add(sftRow(j.item.input, j.correction), [j], "correction");
      else if (j.good) add(sftRow(j.item.input, j.item.output), [j], "model_answer");
    }
  } else if (format === "kto") {
    for (const j of judged) {
      add(ktoRow(j.item.input, j.item.output, j.good), [j], "model_answer");
      if (j.correction) add(ktoRow(j.item.input, j.correction, true), [j], "correction");
    }
  } else {
    const pair = format === "dpo" ? dpoRow : openAiDpoRow;
    for (const j of judged) if (j.correction && j.correction !== j.item.output) add(pair(j.item.input, j.correction, j.item.output), [j], "correction", [j.correction.length, j.item.output.length]);
    const groups = new Map<string, Judged[]>();
    for (const j of judged) {
      const k = JSON.stringify(j.item.input);
      (groups.get(k) ?? groups.set(k, []).get(k)!).push(j);
    }
    for (const g of groups.values()) {
      if (g.length < 2) continue;
      const sorted = [...g].sort((a, b) => b.score - a.score || a.item.position - b.item.position);
      const best = sorted[0];
      const worst = sorted[sorted.length - 1];
      if (best.score > worst.score && best.item.output !== worst.item.output) add(pair(best.item.input, best.item.output, worst.item.output), [best, worst], "pair", [best.item.output.length, worst.item.output.length]);
    }
  }
  return { candidates: rows, judged: judged.length, empty: rows.length ? null : emptyReason(q, items, judged, format) };
}

function emptyReason(q: QueueRecord, items: readonly QueueItem[], judged: readonly Judged[], format: ExportFormat): string {
  const head = `Export of queue ${q.name} as ${format} has no qualifying rows:`;
  if (items.length === 0) return `${head} the queue has no items.`;
  if (judged.length === 0) return `${head} the state filter removed all ${items.length} items (none is done: each needs ${q.reviewersPerItem} reviewers' labels).`;
  if (format === "sft") return `${head} the pass filter removed all ${judged.length} done items (no consensus on '${q.rubric.dimensions[0].name}' passes, and no item has a correction).`;
  return `${head} the pairing filter removed all ${judged.length} done items (no prompt has two answers with different '${q.rubric.dimensions[0].name}' consensus, and no item has a correction).`;
}

function provenanceOf(q: QueueRecord, from: readonly Judged[], source: RowProvenance["source"], report: AgreementReport, fromSpec: string): Candidate["prov"] {
  const first = from[0].item;
  const labels = from.flatMap((f) => f.labels);
  const cons: Record<string, number | null> = {};
  for (const d of q.rubric.dimensions) cons[d.name] = consensus(d, from[0].labels);
  const reviewers = [...new Map(labels.map((l) => [l.reviewer, { name: l.reviewer, expertise: l.expertise }])).values()];
  const traceIds = from.map((f) => f.item.traceId);
  return {
    row_key: `queue:${q.name}:${source}:${traceIds.join(",")}`, origin: origin(labels), source, from: fromSpec, queue: q.name,
    trace_ids: traceIds, model: first.model, route: first.route, target: first.route, prompt: first.promptName, prompt_version: first.promptVersion,
    traced_at: new Date(first.tracedAt).toISOString(), labelled_at: new Date(Math.max(...labels.map((l) => l.at))).toISOString(),
    reviewers, consensus: cons, agreement: report.overall, licence: q.licence,
  };
}

/**
 * DPO learns to prefer length when the chosen answer is usually the longer one. Balancing keeps
 * every pair of the rarer kind (chosen longer, or chosen shorter) and as many of the commoner kind,
 * in export order, so the longer answer wins half the unequal pairs; equal-length pairs stay.
 */
export function balanceByLength<T>(rows: readonly T[], lengths: (r: T) => [number, number]): T[] {
  const longer = rows.filter((r) => lengths(r)[0] > lengths(r)[1]).length;
  const shorter = rows.filter((r) => lengths(r)[0] < lengths(r)[1]).length;
  const cap = Math.min(longer, shorter);
  let l = 0;
  let s = 0;
  return rows.filter((r) => {
    const [c, x] = lengths(r);
    if (c > x) return ++l <= cap;
    if (c < x) return ++s <= cap;
    return true;
  });
}

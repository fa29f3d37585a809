import { createHash } from "node:crypto";
import { DEFAULT_JACCARD, similarPairs, tokenSet } from "./near-duplicates.js";

export type RowFormat = "sft" | "dpo" | "openai-dpo" | "kto";

/** A golden eval dataset's prompts, to check a training file against. */
export interface EvalPrompts {
  dataset: string;
  items: { id: string; prompt: string }[];
}

export interface AuditReport {
  rows: number;
  format: RowFormat | "mixed";
  /** Lines that were not JSON objects of a known format (line numbers, 1-based, first 20). */
  unreadable: number[];
  jaccard_threshold: number;
  exact_duplicates: { rows: number[] }[];
  near_duplicates: { a: number; b: number; jaccard: number }[];
  contamination: { row: number; dataset: string; item: string; kind: "exact" | "near"; jaccard: number }[];
  /** DPO files only. */
  length_bias: null | { pairs: number; mean_ratio: number; median_ratio: number; longer_wins_share: number };
}

interface Turn { role?: unknown; content?: unknown }
interface Parsed { format: RowFormat; prompt: string; answer: string; rejected?: string }

/** The row's prompt (user/system turns) and answer texts, and which format it is. */
export function parseRow(row: unknown): Parsed | null {
  if (!row || typeof row !== "object") return null;
  const r = row as Record<string, unknown>;
  const text = (ts: unknown, roles?: Set<string>): string | null => {
    if (typeof ts === "string") return ts;
    if (!Array.isArray(ts)) return null;
    return (ts as Turn[]).filter((t) => !roles || roles.has(String(t?.role))).map((t) => (typeof t?.content === "string" ? t.content : "")).join("\n");
  };
  const promptRoles = new Set(["system", "developer", "user"]);
  if (Array.isArray(r.messages)) {
    const ms = r.messages as Turn[];
    const last = ms[ms.length - 1];
    return { format: "sft", prompt: text(ms.slice(0, -1), promptRoles) ?? "", answer: typeof last?.content === "string" ? last.content : "" };
  }
  if (r.input && typeof r.input === "object" && "preferred_output" in r) {
    return { format: "openai-dpo", prompt: text((r.input as { messages?: unknown }).messages, promptRoles) ?? "", answer: text(r.preferred_output) ?? "", rejected: text(r.non_preferred_output) ?? "" };
  }
  if ("chosen" in r && "rejected" in r) return { format: "dpo", prompt: text(r.prompt, promptRoles) ?? "", answer: text(r.chosen) ?? "", rejected: text(r.rejected) ?? "" };
  if ("completion" in r && "label" in r) return { format: "kto", prompt: text(r.prompt, promptRoles) ?? "", answer: text(r.completion) ?? "" };
  return null;
}

const normalise = (s: string): string => s.toLowerCase().replace(/\s+/g, " ").trim();

/**
 * Audits a training file: exact duplicates (sha256 of the whitespace-normalised prompt and answer),
 * near-duplicates (token-set Jaccard of prompt + answer ≥ threshold, default 0.8), contamination
 * (a row's prompt equal to, or Jaccard ≥ threshold with, a golden eval item's prompt), and for
 * preference pairs DPO's verbosity bias: chosen/rejected length ratio and how often the longer wins.
 */
export function auditRows(lines: readonly string[], evals: readonly EvalPrompts[], o: { threshold?: number } = {}): AuditReport {
  const t = o.threshold ?? DEFAULT_JACCARD;
  const rows: Parsed[] = [];
  const lineOf: number[] = [];
  const unreadable: number[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let p: Parsed | null = null;
    try { p = parseRow(JSON.parse(line)); } catch { p = null; }
    if (p) (rows.push(p), lineOf.push(i + 1));
    else if (unreadable.length < 20) unreadable.push(i + 1);
  });
  const formats = new Set(rows.map((r) => r.format));
  const byHash = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const h = createHash("sha256").update(normalise(r.prompt)).update("\0").update(normalise(r.answer)).update("\0").update(normalise(r.rejected ?? "")).digest("hex");
    (byHash.get(h) ?? byHash.set(h, []).get(h)!).push(i);
  });
  const exact = [...byHash.values()].filter((g) => g.length > 1);
  const exactPair = new Set(exact.flatMap((g) => g.slice(1).map((j) => `${g[0]}:${j}`)));
  const sets = rows.map((r) => tokenSet(`${r.prompt}\n${r.answer}`));
  const near = similarPairs(sets, t).filter((p) => !exactPair.has(`${p.a}:${p.b}`) && !exact.some((g) => g.includes(p.a) && g.includes(p.b)));
  const evalItems = evals.flatMap((d) => d.items.map((it) => ({ dataset: d.dataset, id: it.id, norm: normalise(it.prompt), set: tokenSet(it.prompt) })));
  const exactPrompts = new Map<string, number>();
  evalItems.forEach((e, k) => exactPrompts.set(e.norm, k));
  const contamination: AuditReport["contamination"] = [];
  const hit = new Set<number>();
  rows.forEach((r, i) => {
    const k = exactPrompts.get(normalise(r.prompt));
    if (k !== undefined) (hit.add(i), contamination.push({ row: lineOf[i], dataset: evalItems[k].dataset, item: evalItems[k].id, kind: "exact", jaccard: 1 }));
  });
  const promptSets = rows.map((r) => tokenSet(r.prompt));
  for (const p of similarPairs(promptSets, t, evalItems.map((e) => e.set))) {
    if (hit.has(p.a)) continue;
    hit.add(p.a);
    contamination.push({ row: lineOf[p.a], dataset: evalItems[p.b].dataset, item: evalItems[p.b].id, kind: "near", jaccard: round(p.jaccard) });
  }
  contamination.sort((a, b) => a.row - b.row);
  const pairs = rows.filter((r) => r.rejected !== undefined && r.rejected.length > 0);
  let lengthBias: AuditReport["length_bias"] = null;
  if (pairs.length) {
    const ratios = pairs.map((r) => r.answer.length / r.rejected!.length).sort((a, b) => a - b);
    lengthBias = {
      pairs: pairs.length,
      mean_ratio: round(ratios.reduce((s, x) => s + x, 0) / ratios.length),
      median_ratio: round(ratios.length % 2 ? ratios[(ratios.length - 1) / 2] : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2),
      longer_wins_share: round(pairs.filter((r) => r.answer.length > r.rejected!.length).length / pairs.length),
    };
  }
  return {
    rows: rows.length, format: formats.size === 1 ? [...formats][0] : "mixed", unreadable, jaccard_threshold: t,
    exact_duplicates: exact.map((g) => ({ rows: g.map((i) => lineOf[i]) })),
    near_duplicates: near.map((p) => ({ a: lineOf[p.a], b: lineOf[p.b], jaccard: round(p.jaccard) })),
    contamination, length_bias: lengthBias,
  };
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

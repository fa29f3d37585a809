import { KeelError } from "../errors/errors.js";
import type { DatasetItem } from "../evals/datasets/item-schema.js";
import type { DatasetStore } from "../evals/datasets/types.js";
import { expectedText } from "../evals/evaluators/text.js";
import type { Feedback } from "../evals/online/types.js";
import type { ItemResult, RunRecord, RunStore } from "../evals/runner/run-types.js";
import type { TraceFilter, TracePage, TraceRecord } from "../observe/types.js";
import type { AgreementReport } from "./agreement.js";
import type { ExportFormat } from "./queue-schema.js";
import { type Candidate, gateAgreement, queueCandidates, type RowProvenance } from "./queue-export.js";
import { snapshotTrace } from "./trace-snapshot.js";
import { dpoRow, ktoRow, openAiDpoRow, sftRow } from "./training-formats.js";
import type { QueueItem, QueueRecord, LabelRecord, SnapshotMessage } from "./types.js";

/** Most traces the feedback source reads for one export: a bound on the work one request can ask for. */
export const MAX_FEEDBACK_SCAN = 100_000;

/** A parsed `--from` value. Rollouts are refused: Keel keeps no per-item canary/stable comparison (docs/alignment-data.md). */
export type SourceSpec =
  | { kind: "queue" | "corrections"; name: string; spec: string }
  | { kind: "feedback"; spec: string }
  | { kind: "pairwise"; run: string; spec: string }
  | { kind: "dataset"; name: string; spec: string };

export function parseSource(s: string): SourceSpec {
  const m = /^(queue|corrections|pairwise|dataset|rollout):(.{1,128})$/.exec(s);
  if (s === "feedback") return { kind: "feedback", spec: s };
  if (m?.[1] === "rollout") {
    throw new KeelError("invalid_request", "Source rollout: is not exportable: a rollout keeps only aggregate canary/stable comparisons, no per-item pairs of answers a score or judgement picked between.", { param: "from" });
  }
  if (!m) throw new KeelError("invalid_request", `Unknown export source ${JSON.stringify(s.slice(0, 80))}: expected queue:NAME, corrections:NAME, feedback, pairwise:RUN_ID or dataset:NAME.`, { param: "from" });
  if (m[1] === "pairwise") return { kind: "pairwise", run: m[2], spec: s };
  return { kind: m[1] as "queue" | "corrections" | "dataset", name: m[2], spec: s };
}

/** One source's rows and what its filters removed (filter → count), for the card and for an empty export's message. */
export interface SourceRows {
  spec: string;
  candidates: Candidate[];
  /** What was read (items, traces, results). */
  read: number;
  removed: Record<string, number>;
  /** A queue's agreement and whether it was forced past its threshold; null for other sources. */
  queue: { name: string; report: AgreementReport; forced: boolean; minAgreement: number | null } | null;
}

export interface SourceDeps {
  queue(name: string): { queue: QueueRecord; items: QueueItem[]; labels: LabelRecord[]; report: AgreementReport };
  listTraces(f: TraceFilter): TracePage;
  feedback(traceId: string): Feedback[];
  /** A trace by id: a pairwise row's prompt is what the target was sent, when its trace is kept. */
  trace?(id: string): TraceRecord | undefined;
  runs?: RunStore;
  datasets?: DatasetStore;
}

export interface SourceOptions {
  format: ExportFormat;
  force?: boolean;
  /** Feedback: only traces at or after this time (ms). */
  since?: number;
  /** Most rows one source gives. */
  limit: number;
  /** The licence of rows whose source states none (feedback, eval runs, datasets). */
  licence: string | null;
}

export function sourceRows(src: SourceSpec, d: SourceDeps, o: SourceOptions): SourceRows {
  switch (src.kind) {
    case "queue":
    case "corrections": {
      const s = d.queue(src.name);
      gateAgreement(s.queue, s.report, o.force);
      const made = queueCandidates(s.queue, s.items, s.labels, s.report, o.format, src.spec);
      const done = s.items.filter((i) => i.state === "done").length;
      const removed: Record<string, number> = { state: s.items.length - done };
      let candidates = made.candidates;
      if (src.kind === "corrections") {
        candidates = candidates.filter((c) => c.prov.source === "correction");
        removed.correction = done - new Set(candidates.map((c) => c.prov.trace_ids[0])).size;
      } else {
        removed[o.format === "sft" ? "pass" : o.format === "kto" ? "none" : "pairing"] = done - new Set(candidates.flatMap((c) => c.prov.trace_ids)).size;
      }
      if (removed.none === 0) delete removed.none;
      return { spec: src.spec, candidates: candidates.slice(0, o.limit), read: s.items.length, removed, queue: { name: s.queue.name, report: s.report, forced: !s.report.meets_threshold, minAgreement: s.queue.minAgreement } };
    }
    case "feedback":
      return feedbackRows(src.spec, d, o);
    case "pairwise":
      return pairwiseRows(src.spec, src.run, d, o);
    case "dataset":
      return datasetRows(src.spec, src.name, d, o);
  }
}

type Verdict = { positive: boolean; value: number; at: string } | null;

/** The latest thumbs or score on a trace: positive when thumbs up or a score of at least 0.5 (the queue filter's sign). */
function verdictOf(fb: readonly Feedback[]): Verdict {
  const rated = fb.filter((f) => f.thumbs !== null || f.score !== null).sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  const f = rated.at(-1);
  if (!f) return null;
  const value = f.score ?? (f.thumbs === "up" ? 1 : 0);
  return { positive: f.thumbs !== null ? f.thumbs === "up" : value >= 0.5, value, at: f.created_at };
}

/**
 * User feedback on traces: KTO rows from thumbs or scores (label = positive), SFT rows from
 * positive answers, and from corrections users sent with their feedback (SFT rows, KTO
 * positives, DPO chosen over the original answer); DPO also pairs a liked against a disliked
 * answer to the same prompt.
 */
function feedbackRows(spec: string, d: SourceDeps, o: SourceOptions): SourceRows {
  const removed: Record<string, number> = {};
  const skip = (why: string): void => void (removed[why] = (removed[why] ?? 0) + 1);
  const out: Candidate[] = [];
  const pairs = o.format === "dpo" || o.format === "openai-dpo";
  const pair = o.format === "dpo" ? dpoRow : openAiDpoRow;
  const byPrompt = new Map<string, { pos?: Rated; neg?: Rated }>();
  let read = 0;
  let cursor: string | undefined;
  do {
    const page = d.listTraces({ since: o.since, status: "ok", limit: 500, cursor });
    for (const t of page.data) {
      if (out.length >= o.limit || read >= MAX_FEEDBACK_SCAN) break;
      read++;
      const fb = d.feedback(t.id);
      if (fb.length === 0) { skip("feedback (none on the trace)"); continue; }
      const snap = snapshotTrace(t);
      if (!snap.ok) { skip(snap.reason); continue; }
      const it = snap.item;
      const v = verdictOf(fb);
      const corr = [...fb].reverse().find((f) => f.correction)?.correction ?? null;
      const corrAt = [...fb].reverse().find((f) => f.correction)?.created_at ?? null;
      const prov = (source: RowProvenance["source"], traces: string[], at: string | null, consensus: Record<string, number | null>): Candidate["prov"] => ({
        row_key: `feedback:${source}:${traces.join(",")}`, origin: "user_feedback", source, from: spec, queue: null, trace_ids: traces,
        model: it.model, route: it.route, target: it.route, prompt: it.promptName, prompt_version: it.promptVersion, traced_at: new Date(it.tracedAt).toISOString(),
        labelled_at: at, reviewers: [], consensus, agreement: null, licence: o.licence,
      });
      const value = { user_feedback: v?.value ?? null };
      const before = out.length;
      if (o.format === "sft") {
        if (corr) out.push({ row: sftRow(it.input, corr), prov: prov("correction", [t.id], corrAt, value) });
        else if (v?.positive) out.push({ row: sftRow(it.input, it.output), prov: prov("model_answer", [t.id], v.at, value) });
        else skip(v ? "sign (negative feedback, no correction)" : "sign (no thumbs or score, no correction)");
      } else if (o.format === "kto") {
        if (v) out.push({ row: ktoRow(it.input, it.output, v.positive), prov: prov("model_answer", [t.id], v.at, value) });
        if (corr) out.push({ row: ktoRow(it.input, corr, true), prov: prov("correction", [t.id], corrAt, value) });
        if (out.length === before) skip("sign (no thumbs or score, no correction)");
      } else if (pairs) {
        if (corr && corr !== it.output) out.push({ row: pair(it.input, corr, it.output), prov: prov("correction", [t.id], corrAt, value), lengths: [corr.length, it.output.length] });
        if (v) {
          const k = JSON.stringify(it.input);
          const g = byPrompt.get(k) ?? byPrompt.set(k, {}).get(k)!;
          const slot = v.positive ? "pos" : "neg";
          if (!g[slot]) g[slot] = { traceId: t.id, input: it.input, output: it.output, at: v.at, value: v.value, mk: prov, hadRow: out.length > before };
          else if (out.length === before) skip("pairing (no liked and disliked answer to one prompt, no correction)");
        } else if (out.length === before) skip("pairing (no liked and disliked answer to one prompt, no correction)");
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < o.limit && read < MAX_FEEDBACK_SCAN);
  if (pairs) {
    for (const g of byPrompt.values()) {
      if (g.pos && g.neg && g.pos.output !== g.neg.output) {
        if (out.length < o.limit) out.push({ row: pair(g.pos.input, g.pos.output, g.neg.output), prov: { ...g.pos.mk("pair", [g.pos.traceId, g.neg.traceId], g.pos.at > g.neg.at ? g.pos.at : g.neg.at, { user_feedback: g.pos.value }) }, lengths: [g.pos.output.length, g.neg.output.length] });
      } else {
        // A trace whose correction already made a row was not removed.
        const n = [g.pos, g.neg].filter((x) => x && !x.hadRow).length;
        removed["pairing (no liked and disliked answer to one prompt, no correction)"] = (removed["pairing (no liked and disliked answer to one prompt, no correction)"] ?? 0) + n;
      }
    }
  }
  return { spec, candidates: out, read, removed, queue: null };
}

interface Rated {
  traceId: string;
  input: readonly SnapshotMessage[];
  output: string;
  at: string;
  value: number;
  /** Its correction made a row already. */
  hadRow: boolean;
  mk: (source: RowProvenance["source"], traces: string[], at: string | null, consensus: Record<string, number | null>) => Candidate["prov"];
}

/** A dataset item's input as chat messages (text content only). */
function itemMessages(item: DatasetItem): SnapshotMessage[] | null {
  if (typeof item.input === "string") return [{ role: "user", content: item.input }];
  if (!Array.isArray(item.input)) return null;
  const out: SnapshotMessage[] = [];
  for (const m of item.input) {
    const c = m.content;
    const text = typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => (p && typeof p === "object" && (p as { type?: unknown }).type === "text" ? String((p as { text?: unknown }).text ?? "") : "")).join("") : "";
    out.push({ role: m.role, content: text });
  }
  return out.length ? out : null;
}

function datasetItems(d: SourceDeps, name: string, version: number | null): Map<string, DatasetItem> {
  if (!d.datasets) throw new KeelError("invalid_request", "Dataset sources are not available on this server.", { param: "from" });
  const ds = d.datasets.getDataset(name);
  if (!ds) throw new KeelError("not_found", `No dataset named "${name.slice(0, 64)}".`, { param: "from" });
  return new Map(d.datasets.items(ds.id, version ?? ds.latestVersion).map((s) => [s.item.id!, s.item]));
}

/**
 * A pairwise eval run: per result, the LLM judge's verdict on the run's answer against the
 * baseline (the baseline run's answer, else the item's expected output). A win makes the answer
 * chosen, a loss the baseline; ties and inconsistent verdicts (the two orders disagreed) give no row.
 */
function pairwiseRows(spec: string, runId: string, d: SourceDeps, o: SourceOptions): SourceRows {
  if (!d.runs) throw new KeelError("invalid_request", "Eval runs are not available on this server.", { param: "from" });
  const run: RunRecord | undefined = d.runs.getRun(runId);
  if (!run) throw new KeelError("not_found", `No eval run "${runId.slice(0, 64)}".`, { param: "from" });
  const metric = run.config.metrics.find((m) => m.kind === "judge_pairwise");
  if (!metric) throw new KeelError("invalid_request", `Run ${run.id} has no judge_pairwise metric: it made no pairwise judgements to export.`, { param: "from" });
  const conf = run.config.evaluators.find((e) => e.kind === "judge_pairwise" && ((e as { name?: string }).name ?? "judge_pairwise") === metric.name) as { model?: string } | undefined;
  const items = run.dataset ? datasetItems(d, run.dataset, run.dataset_version) : new Map<string, DatasetItem>();
  const baseline = new Map<string, ItemResult>();
  if (run.config.baseline_run) for (const r of d.runs.results(run.config.baseline_run)) if (r.repeat === 0 && r.output) baseline.set(r.item_id, r);
  const removed: Record<string, number> = {};
  const skip = (why: string): void => void (removed[why] = (removed[why] ?? 0) + 1);
  const pair = o.format === "dpo" ? dpoRow : openAiDpoRow;
  const out: Candidate[] = [];
  // Results are stored in the order items finished (they run concurrently); rows follow the
  // dataset's order instead, so an export of a run does not depend on which call came back first.
  const position = new Map([...items.keys()].map((id, i) => [id, i]));
  const at = (id: string): number => position.get(id) ?? Number.MAX_SAFE_INTEGER;
  const results = [...d.runs.results(run.id)].sort((a, b) => at(a.item_id) - at(b.item_id) || a.repeat - b.repeat);
  for (const r of results) {
    if (out.length >= o.limit) break;
    const s = r.scores[metric.name];
    if (!r.output) { skip("output (the target failed)"); continue; }
    if (!s || s.status !== "scored") { skip("verdict (not scored)"); continue; }
    if (s.label !== "win" && s.label !== "loss") { skip("verdict (tie or inconsistent)"); continue; }
    const item = items.get(r.item_id);
    // The prompt: the messages the target was sent (its trace, when kept with its body), else the item's input.
    const traced = r.output.request_id ? d.trace?.(r.output.request_id) : undefined;
    const snap = traced ? snapshotTrace(traced) : null;
    const input = snap?.ok ? [...snap.item.input] : item ? itemMessages(item) : null;
    if (!item || !input) { skip("item (not in the run's dataset, or no input)"); continue; }
    const base = baseline.get(r.item_id);
    const other = base?.output?.text ?? expectedText(item.expected);
    if (other === undefined) { skip("baseline (no baseline answer or expected output)"); continue; }
    const answer = r.output.text;
    const [chosen, rejected] = s.label === "win" ? [answer, other] : [other, answer];
    const details = (s.details ?? {}) as { judge_model?: unknown; system_fingerprint?: unknown };
    const traces = [r.output.request_id, base?.output?.request_id].filter((x): x is string => typeof x === "string");
    const prov: Candidate["prov"] = {
      row_key: `pairwise:${run.id}:${r.item_id}:${r.repeat}`, origin: "llm_judge", source: "judge_pair", from: spec, queue: null, trace_ids: traces,
      model: r.output.model, route: snap?.ok ? snap.item.route : null, target: run.config.target.description, prompt: snap?.ok ? snap.item.promptName : null, prompt_version: snap?.ok ? snap.item.promptVersion : null,
      traced_at: snap?.ok ? new Date(snap.item.tracedAt).toISOString() : run.started_at, labelled_at: run.ended_at ?? run.started_at,
      reviewers: [], consensus: { [metric.name]: s.score }, agreement: null, licence: o.licence,
      judge: { model: typeof details.judge_model === "string" ? details.judge_model : (conf?.model ?? null), system_fingerprint: typeof details.system_fingerprint === "string" ? details.system_fingerprint : null, fingerprint: metric.fingerprint ?? null },
      run: run.id, item: r.item_id,
    };
    if (o.format === "sft") out.push({ row: sftRow(input, chosen), prov });
    else if (o.format === "kto") {
      out.push({ row: ktoRow(input, chosen, true), prov });
      out.push({ row: ktoRow(input, rejected, false), prov: { ...prov, row_key: `${prov.row_key}:rejected` } });
    } else out.push({ row: pair(input, chosen, rejected), prov, lengths: [chosen.length, rejected.length] });
  }
  return { spec, candidates: out.slice(0, o.limit), read: results.length, removed, queue: null };
}

/**
 * A dataset's items with an expected output, as SFT rows (KTO positives). Items generated by a
 * model (`provenance.source: synthetic`) are `synthetic` rows with their generator model; the others
 * are `human_generalist` (a dataset does not record its authors' expertise). DPO needs a rejected
 * answer a dataset item does not have.
 */
function datasetRows(spec: string, name: string, d: SourceDeps, o: SourceOptions): SourceRows {
  const items = datasetItems(d, name, null);
  const removed: Record<string, number> = {};
  const skip = (why: string): void => void (removed[why] = (removed[why] ?? 0) + 1);
  const out: Candidate[] = [];
  for (const item of items.values()) {
    if (out.length >= o.limit) break;
    const input = itemMessages(item);
    const expected = typeof item.expected === "string" ? item.expected : undefined;
    if (!input || expected === undefined) { skip("expected (no input or no text expected output)"); continue; }
    if (o.format !== "sft" && o.format !== "kto") { skip("pairing (a dataset item has no rejected answer)"); continue; }
    const p = item.provenance;
    const prov: Candidate["prov"] = {
      row_key: `dataset:${name}:${item.id}`, origin: p.source === "synthetic" ? "synthetic" : "human_generalist", source: "expected_output", from: spec, queue: null,
      trace_ids: p.source === "production" ? [p.trace_id] : [], model: null, route: null, target: null, prompt: null, prompt_version: null, traced_at: null, labelled_at: null,
      reviewers: p.author ? [{ name: p.author, expertise: "generalist" }] : [], consensus: {}, agreement: null, licence: o.licence,
      ...(p.source === "synthetic" ? { synthetic_model: p.generator_model } : {}), item: item.id,
    };
    out.push({ row: o.format === "sft" ? sftRow(input, expected) : ktoRow(input, expected, true), prov });
  }
  return { spec, candidates: out, read: items.size, removed, queue: null };
}

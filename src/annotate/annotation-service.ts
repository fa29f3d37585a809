import { randomBytes } from "node:crypto";
import { KeelError } from "../errors/errors.js";
import type { TraceFilter, TracePage } from "../observe/types.js";
import { type AgreementOptions, type AgreementReport, agreement } from "./agreement.js";
import { checkLabel } from "./label-check.js";
import type { CreateQueueInput, LabelInput } from "./queue-schema.js";
import { createQueueInput } from "./queue-schema.js";
import { inSample, matchesEvidence, matchesFilter, type SkipReason, snapshotTrace, type TraceEvidence } from "./trace-snapshot.js";
import type { AnnotationStore, ItemState, LabelRecord, QueueItem, QueueRecord } from "./types.js";

/** Most traces read to build one queue: a bound on the work a filter can ask for. */
export const MAX_SCAN = 50_000;

export interface QueueView {
  name: string;
  description: string | null;
  filter: QueueRecord["filter"];
  rubric: QueueRecord["rubric"];
  reviewers: QueueRecord["reviewers"];
  reviewers_per_item: number;
  min_agreement: number | null;
  licence: string | null;
  created_at: string;
  items: number;
  states: Record<ItemState, number>;
}

export interface BuildSummary {
  scanned: number;
  /** Why scanned traces were left out, by reason (filter field, sample, or why no snapshot). */
  excluded: Record<string, number>;
}

export interface ItemView {
  id: string;
  trace_id: string;
  position: number;
  state: ItemState;
  input: QueueItem["input"];
  output: string;
  model: string;
  route: string;
  prompt: string | null;
  prompt_version: number | null;
  feature: string | null;
  labels: number;
}

/** A label as the API shows it. */
export interface LabelView {
  reviewer: string;
  expertise: LabelRecord["expertise"];
  values: LabelRecord["values"];
  critique: string | null;
  correction: string | null;
  at: string;
}

/** One row of a queue's item list: enough to move through the queue, not the snapshot itself. */
export interface ItemSummary {
  id: string;
  trace_id: string;
  position: number;
  state: ItemState;
  labels: number;
  /** With `reviewer`: whether that reviewer has labelled the item. */
  labelled?: boolean;
}

/** Annotation queues over stored traces (docs/alignment-data.md). Traces are read through `listTraces`, the trace store's listing. */
export class AnnotationService {
  constructor(
    private readonly store: AnnotationStore,
    private readonly listTraces: (f: TraceFilter) => TracePage,
    private readonly now: () => number = Date.now,
    /** Scores and feedback of a trace, for the `feedback` and `score_below` filters. */
    private readonly evidence: (traceId: string) => TraceEvidence = () => ({ scores: [], feedback: [] }),
  ) {}

  create(raw: CreateQueueInput): { queue: QueueView; build: BuildSummary } {
    const input = createQueueInput.parse(raw);
    if (this.store.getQueue(input.name)) throw new KeelError("conflict", `An annotation queue named "${input.name}" already exists.`, { param: "name" });
    const f = input.filter;
    const id = `aq_${randomBytes(8).toString("hex")}`;
    const items: Omit<QueueItem, "state">[] = [];
    const excluded: Record<string, number> = {};
    const skip = (why: SkipReason | string): void => void (excluded[why] = (excluded[why] ?? 0) + 1);
    let scanned = 0;
    let cursor: string | undefined;
    do {
      const page = this.listTraces({ model: f.route ?? f.model, feature: f.feature, since: f.since, status: "ok", limit: 500, cursor });
      for (const t of page.data) {
        scanned++;
        const miss = matchesFilter(t, f) ?? (f.feedback || f.score_below ? matchesEvidence(f, this.evidence(t.id)) : null);
        if (miss) { skip(miss); continue; }
        if (!inSample(input.name, t.id, f.sample)) { skip("sample"); continue; }
        const snap = snapshotTrace(t);
        if (!snap.ok) { skip(snap.reason); continue; }
        items.push({ ...snap.item, id: `it_${items.length}`, queueId: id, position: items.length });
        if (items.length >= f.limit) break;
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor && items.length < f.limit && scanned < MAX_SCAN);
    if (items.length === 0) {
      const why = Object.entries(excluded).map(([k, n]) => `${k}: ${n}`).join(", ");
      throw new KeelError("invalid_request", scanned === 0 ? "No traces match the queue's filter (route/model/feature/since): nothing to annotate." : `None of the ${scanned} traces scanned qualified (${why}).`, { param: "filter" });
    }
    const q: QueueRecord = {
      id, name: input.name, description: input.description ?? null, filter: f, rubric: input.rubric, reviewers: input.reviewers,
      reviewersPerItem: input.reviewers_per_item, minAgreement: input.min_agreement ?? null, licence: input.licence ?? null, createdAt: this.now(),
    };
    if (!this.store.createQueue(q, items)) throw new KeelError("conflict", `An annotation queue named "${input.name}" already exists.`, { param: "name" });
    return { queue: this.view(q), build: { scanned, excluded } };
  }

  list(): QueueView[] {
    return this.store.listQueues().map((q) => this.view(q));
  }

  get(name: string): QueueView {
    return this.view(this.queue(name));
  }

  queue(name: string): QueueRecord {
    const q = this.store.getQueue(name);
    if (!q) throw new KeelError("not_found", `No annotation queue named "${name.slice(0, 64)}".`, { param: "name" });
    return q;
  }

  /**
   * The next item for a reviewer: the first by position that is neither done nor skipped and that
   * the reviewer has not labelled. Null when the reviewer has nothing left. An item being reviewed
   * moves to in_review with its first label.
   */
  next(name: string, reviewer: string): ItemView | null {
    const q = this.queue(name);
    this.reviewer(q, reviewer);
    const labelled = new Map<string, string[]>();
    for (const l of this.store.labels(q.id)) {
      let list = labelled.get(l.itemId);
      if (!list) labelled.set(l.itemId, (list = []));
      list.push(l.reviewer);
    }
    const item = this.store.items(q.id).find((i) => (i.state === "pending" || i.state === "in_review") && !(labelled.get(i.id) ?? []).includes(reviewer));
    return item ? itemView(item, labelled.get(item.id)?.length ?? 0) : null;
  }

  /** Every item of a queue by position (a queue holds at most 10 000), with its label count and, for a reviewer, whether they labelled it. */
  items(name: string, reviewer?: string): ItemSummary[] {
    const q = this.queue(name);
    if (reviewer !== undefined) this.reviewer(q, reviewer);
    const by = new Map<string, string[]>();
    for (const l of this.store.labels(q.id)) {
      let list = by.get(l.itemId);
      if (!list) by.set(l.itemId, (list = []));
      list.push(l.reviewer);
    }
    return this.store.items(q.id).map((i) => {
      const who = by.get(i.id) ?? [];
      return { id: i.id, trace_id: i.traceId, position: i.position, state: i.state, labels: who.length, ...(reviewer !== undefined ? { labelled: who.includes(reviewer) } : {}) };
    });
  }

  /**
   * One item's snapshot and labels. With `reviewer`, only that reviewer's own label: a reviewer
   * does not see the others' before giving theirs, or the agreement would measure copying.
   */
  item(name: string, itemId: string, reviewer?: string): { item: ItemView; labels: LabelView[]; record: QueueItem } {
    const q = this.queue(name);
    if (reviewer !== undefined) this.reviewer(q, reviewer);
    const item = this.itemOf(q, itemId);
    const all = this.store.itemLabels(q.id, item.id);
    const shown = reviewer === undefined ? all : all.filter((l) => l.reviewer === reviewer);
    return { item: itemView(item, all.length), labels: shown.map(labelView), record: item };
  }

  label(name: string, itemId: string, l: LabelInput): { label: LabelRecord; state: ItemState } {
    const q = this.queue(name);
    const who = this.reviewer(q, l.reviewer);
    const item = this.itemOf(q, itemId);
    if (item.state === "skipped") throw new KeelError("conflict", `Item ${item.id} was skipped; it takes no labels.`, { param: "id" });
    const values = checkLabel(q.rubric, l);
    const rec: LabelRecord = { queueId: q.id, itemId: item.id, reviewer: who.name, expertise: who.expertise, values, critique: l.critique ?? null, correction: l.correction ?? null, at: this.now() };
    this.store.putLabel(rec);
    const n = this.store.itemLabels(q.id, item.id).length;
    const state: ItemState = n >= q.reviewersPerItem ? "done" : "in_review";
    this.store.setState(q.id, item.id, state);
    return { label: rec, state };
  }

  skip(name: string, itemId: string): ItemState {
    const q = this.queue(name);
    const item = this.itemOf(q, itemId);
    if (item.state === "done") throw new KeelError("conflict", `Item ${item.id} is done; a labelled item is not skipped.`, { param: "id" });
    this.store.setState(q.id, item.id, "skipped");
    return "skipped";
  }

  agreement(name: string, o?: AgreementOptions): AgreementReport {
    const q = this.queue(name);
    return agreement(q, this.store.labels(q.id), o);
  }

  /** Everything an export reads: the queue, its items and labels. */
  snapshot(name: string): { queue: QueueRecord; items: QueueItem[]; labels: LabelRecord[] } {
    const q = this.queue(name);
    return { queue: q, items: this.store.items(q.id), labels: this.store.labels(q.id) };
  }

  private reviewer(q: QueueRecord, name: string): QueueRecord["reviewers"][number] {
    const r = q.reviewers.find((x) => x.name === name);
    if (!r) throw new KeelError("invalid_request", `"${name.slice(0, 64)}" is not a reviewer of queue ${q.name}; its reviewers are: ${q.reviewers.map((x) => x.name).join(", ")}.`, { param: "reviewer" });
    return r;
  }

  private itemOf(q: QueueRecord, id: string): QueueItem {
    const item = this.store.getItem(q.id, id);
    if (!item) throw new KeelError("not_found", `Queue ${q.name} has no item "${id.slice(0, 64)}".`, { param: "id" });
    return item;
  }

  private view(q: QueueRecord): QueueView {
    const states = this.store.stateCounts(q.id);
    return {
      name: q.name, description: q.description, filter: q.filter, rubric: q.rubric, reviewers: q.reviewers, reviewers_per_item: q.reviewersPerItem,
      min_agreement: q.minAgreement, licence: q.licence, created_at: new Date(q.createdAt).toISOString(),
      items: states.pending + states.in_review + states.done + states.skipped, states,
    };
  }
}

function labelView(l: LabelRecord): LabelView {
  return { reviewer: l.reviewer, expertise: l.expertise, values: l.values, critique: l.critique, correction: l.correction, at: new Date(l.at).toISOString() };
}

function itemView(i: QueueItem, labels: number): ItemView {
  return { id: i.id, trace_id: i.traceId, position: i.position, state: i.state, input: i.input, output: i.output, model: i.model, route: i.route, prompt: i.promptName, prompt_version: i.promptVersion, feature: i.feature, labels };
}

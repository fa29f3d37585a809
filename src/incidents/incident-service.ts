import { randomBytes } from "node:crypto";
import { readMetric } from "../alerts/evaluate.js";
import type { AlertRule } from "../alerts/rule-schema.js";
import type { AlertState } from "../alerts/state-machine.js";
import type { AuditEntry, AuditFilter } from "../audit/types.js";
import { KeelError } from "../errors/errors.js";
import type { SliceSummary } from "../observe/summary/summarize.js";
import type { SliceDim } from "../observe/summary/summary-query.js";
import type { TraceStore } from "../observe/types.js";
import type { Incident, IncidentStore } from "./incident-store.js";
import { type ChangeEvent, changeFromAudit, changeFromModel, type ModelVersionChange, type SliceRef } from "./change-events.js";
import { normalizeWeights, type RankedCause, rankCauses, type SliceRegression, sliceRegressions } from "./rank-causes.js";

export type SummaryReader = (q: { slice: AlertRule["slice"]; since: number; until: number; by?: SliceDim }) => SliceSummary[];

export interface IncidentReport extends Incident {
  /** Which slices regressed in the incident window, worst first, per dimension. */
  regressions: SliceRegression[];
  /** Change events before the alert fired, most likely cause first. */
  candidate_causes: RankedCause[];
}

const DIMS: readonly SliceRef["dim"][] = ["prompt_version", "model", "route", "key", "feature"];
const LOOKBACK_MS = 24 * 3_600_000;

/**
 * Incidents are firing alert episodes, kept in an `IncidentStore`. Their candidate causes are
 * worked out when read: the change timeline (audit log + upstream model changes seen in traces)
 * ranked by time proximity and by whether the change touches the slice that regressed.
 */
export class IncidentService {
  constructor(
    private readonly store: IncidentStore,
    /** Upstream model changes are read from the served models of successful calls. */
    private readonly traces: Pick<TraceStore, "servedModels">,
    private readonly audit: { list(f: AuditFilter): AuditEntry[] },
    private readonly summaries: SummaryReader,
    /** Other change sources on the timeline (the drift canary's detections). */
    private readonly extraChanges: ((since: number, until: number) => ChangeEvent[]) | null = null,
  ) {}

  /** Called on the firing transition; idempotent per (rule, episode). */
  opened(rule: AlertRule, st: AlertState, now: number): string {
    const episode = st.episode ?? now;
    const id = `inc_${randomBytes(8).toString("hex")}`;
    return this.store.open({ id, rule, episode, fired_at: now, value: st.value, baseline: st.baseline, samples: st.samples });
  }

  resolved(rule: AlertRule, st: AlertState, now: number): string | null {
    if (st.episode === null) return null;
    return this.store.resolve(rule.name, st.episode, now);
  }

  list(limit = 100): Incident[] {
    return this.store.list(limit);
  }

  /** Every change in [since, until), oldest first. */
  changes(since: number, until: number): ChangeEvent[] {
    const out: ChangeEvent[] = [];
    for (const e of this.audit.list({ since, until, limit: 5000 })) {
      const c = changeFromAudit(e);
      if (c) out.push(c);
    }
    for (const m of this.modelChanges(since, until)) out.push(changeFromModel(m));
    if (this.extraChanges) out.push(...this.extraChanges(since, until));
    return out.sort((a, b) => a.at - b.at);
  }

  show(id: string): IncidentReport {
    const inc = this.store.get(id);
    if (!inc) throw new KeelError("not_found", `No incident with id "${id.slice(0, 64)}".`, { param: "id" });
    const rule = inc.rule;
    const windowMs = rule.window_s * 1000;
    const firedAt = inc.fired_at;
    const until = firedAt - windowMs - (rule.change?.offset_s ?? 0) * 1000;
    const since = until - (rule.change?.baseline_window_s ?? rule.window_s) * 1000;
    const bad: 1 | -1 = rule.change ? (rule.change.direction === "up" ? 1 : -1) : rule.threshold!.op.startsWith(">") ? 1 : -1;
    // What "regressed" is measured against, when a slice has no baseline of its own (a new prompt
    // version): a threshold rule's threshold, else the whole slice's baseline.
    const reference = rule.threshold ? rule.threshold.value : readMetric(rule, this.summaries({ slice: rule.slice, since, until })[0]).value;
    const minSamples = Math.max(3, Math.floor(rule.min_samples / 4));
    const regressions: SliceRegression[] = [];
    for (const dim of DIMS) {
      const cur = this.summaries({ slice: rule.slice, since: firedAt - windowMs, until: firedAt + 1, by: dim }).map((s) => ({ slice: s.slice, ...readMetric(rule, s) }));
      const base = new Map(this.summaries({ slice: rule.slice, since, until, by: dim }).map((s) => [s.slice, readMetric(rule, s).value] as const));
      regressions.push(...sliceRegressions(dim, cur, base, reference, bad, minSamples));
    }
    const ranked = normalizeWeights(regressions);
    const events = this.changes(firedAt - LOOKBACK_MS, firedAt + 1);
    const halfLife = Math.max(windowMs, 15 * 60_000);
    return { ...inc, regressions: ranked.filter((r) => r.weight > 0), candidate_causes: rankCauses(events, ranked, firedAt, halfLife) };
  }

  /**
   * Upstream drift seen in traces: a served model name not seen before for a route and provider
   * after another one was, or a new `system_fingerprint` for the same served model.
   */
  private modelChanges(since: number, until: number): ModelVersionChange[] {
    const rows = this.traces.servedModels(since - 7 * 86_400_000, until);
    const lastModel = new Map<string, string>();
    const lastPrint = new Map<string, string>();
    const out: ModelVersionChange[] = [];
    for (const r of rows) {
      const k = `${r.route}\u0000${r.provider ?? ""}`;
      const prev = lastModel.get(k);
      if (prev !== undefined && prev !== r.model && r.first >= since) out.push({ at: r.first, what: "version", route: r.route, provider: r.provider, model: r.model, from: prev, to: r.model });
      lastModel.set(k, r.model);
      if (r.fingerprint === null) continue;
      const fk = `${k}\u0000${r.model}`;
      const fp = lastPrint.get(fk);
      if (fp !== undefined && fp !== r.fingerprint && r.first >= since) out.push({ at: r.first, what: "fingerprint", route: r.route, provider: r.provider, model: r.model, from: fp, to: r.fingerprint });
      lastPrint.set(fk, r.fingerprint);
    }
    return out;
  }
}

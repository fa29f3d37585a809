import { KeelError } from "../errors/errors.js";
import type { Logger } from "../observe/log.js";
import type { SliceSummary } from "../observe/summary/summarize.js";
import { type EngineReader, judge, judgeEngines, readMetric } from "./evaluate.js";
import type { Notifier } from "./notifier.js";
import { CounterWindow } from "./counter-window.js";
import { type AlertRule, alertRuleSchema, type AlertsConfig, isEngineMetric, isKnowledgeMetric } from "./rule-schema.js";
import type { AlertStore, NotificationRecord } from "./alert-store.js";
import { type AlertState, initialState, isSilenced, type Observation, step } from "./state-machine.js";

/** Reads one window's summary for a rule's slice (the read worker's `TraceReads.summary`). */
export type WindowReader = (slice: AlertRule["slice"], since: number, until: number) => SliceSummary | undefined | Promise<SliceSummary | undefined>;

/** Results served by the vector store search API since start, and how many were stale (RetrievalMetrics.totals). */
export type RetrievalTotals = () => { served: number; stale: number };

/** Opens an incident when an alert fires and closes it on resolution; returns the incident id. */
export interface IncidentHooks {
  opened(rule: AlertRule, state: AlertState, now: number): string;
  resolved(rule: AlertRule, state: AlertState, now: number): string | null;
}

/** How an alert raised outside the evaluator (the drift canary) is listed: rule-shaped, not evaluated here. */
export interface SourcedAlertRule extends Pick<AlertRule, "name" | "owner" | "description" | "slice" | "window_s" | "threshold" | "notify"> {
  metric: string;
}

/** Another producer of alerts that shares the store: listed, acked and silenced like rules, stepped by its owner. */
export interface AlertSource {
  readonly alertSource: "drift";
  alertRules(): SourcedAlertRule[];
}

export interface AlertView {
  rule: AlertRule | SourcedAlertRule;
  source: "config" | "api" | "drift";
  state: AlertState;
}

/**
 * Rules from keel.yaml (read-only) and the API, evaluated on an interval off the request path.
 * Each evaluation reads the rule's window (and baseline) from the trace store, steps the state
 * machine, and notifies the owner on firing and resolution — once per episode, unless silenced.
 */
export class AlertService {
  private readonly config: ReadonlyMap<string, AlertRule>;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private readonly sources: AlertSource[] = [];
  private engines: EngineReader | null = null;
  private readonly changed: (() => void)[] = [];
  private retrieval: { read: RetrievalTotals; window: CounterWindow } | null = null;

  constructor(
    cfg: AlertsConfig,
    private readonly store: AlertStore,
    private readonly read: WindowReader,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly incidents: IncidentHooks | null = null,
    private readonly intervalMs = cfg.interval_s * 1000,
  ) {
    this.config = new Map(cfg.rules.map((r) => [r.name, r]));
  }

  /** After an API rule was stored or deleted (the change feed tells other instances). */
  onChanged(fn: () => void): void {
    this.changed.push(fn);
  }

  /** Where `engine_*` rules read the scraped engines; without it they have no data. */
  useEngines(engines: EngineReader): void {
    this.engines = engines;
  }

  /**
   * Where `knowledge_*` rules read the stale-retrieval counters; without it they have no data. The
   * counters are sampled at each pass (and now), so a window's rate is the difference of two samples.
   */
  useRetrieval(read: RetrievalTotals, now: number = Date.now()): void {
    // The longest window a rule may ask for, plus a change rule's baseline and offset.
    this.retrieval = { read, window: new CounterWindow(3 * 90 * 86_400_000) };
    this.retrieval.window.record({ at: now, ...read() });
  }

  /** Lists (and lets the API ack and silence) the source's alerts next to the rules. */
  attach(source: AlertSource): void {
    this.sources.push(source);
  }

  /** Every alert: config and API rules, then those of attached sources (drift.<model>). */
  rules(): AlertView[] {
    const now = Date.now();
    const out: AlertView[] = this.evaluated(now);
    const taken = new Set(out.map((v) => v.rule.name));
    for (const src of this.sources) {
      for (const r of src.alertRules()) if (!taken.has(r.name)) out.push({ rule: r, source: src.alertSource, state: this.store.state(r.name) ?? initialState(now) });
    }
    return out;
  }

  /** The rules this service evaluates: keel.yaml first, then the API's. */
  private evaluated(now: number): (AlertView & { rule: AlertRule })[] {
    const out: (AlertView & { rule: AlertRule })[] = [];
    for (const r of this.config.values()) out.push({ rule: r, source: "config", state: this.store.state(r.name) ?? initialState(now) });
    for (const r of this.store.apiRules()) if (!this.config.has(r.name)) out.push({ rule: r, source: "api", state: this.store.state(r.name) ?? initialState(now) });
    return out;
  }

  private sourceOf(name: string): AlertSource | undefined {
    return this.sources.find((s) => s.alertRules().some((r) => r.name === name));
  }

  get(name: string): AlertView {
    const v = this.rules().find((x) => x.rule.name === name);
    if (!v) throw new KeelError("not_found", `No alert rule "${name.slice(0, 128)}".`, { param: "name" });
    return v;
  }

  /** Validates (owner and notification target required) and stores an API rule. */
  put(input: unknown): AlertRule {
    const parsed = alertRuleSchema.safeParse(input);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      const param = i.path.join(".") || "body";
      throw new KeelError("invalid_request", `Invalid alert rule: '${param}': ${i.message}.`, { param });
    }
    if (this.config.has(parsed.data.name)) throw new KeelError("conflict", `Alert rule "${parsed.data.name}" is defined in keel.yaml; change it there.`, { param: "name" });
    const src = this.sourceOf(parsed.data.name);
    if (src) throw new KeelError("conflict", `Alert "${parsed.data.name}" is raised by the ${src.alertSource} canary; choose another name.`, { param: "name" });
    this.store.putRule(parsed.data, Date.now());
    for (const fn of this.changed) fn();
    return parsed.data;
  }

  delete(name: string): void {
    if (this.config.has(name)) throw new KeelError("conflict", `Alert rule "${name}" is defined in keel.yaml; remove it there.`, { param: "name" });
    const src = this.sourceOf(name);
    if (src) throw new KeelError("conflict", `Alert "${name}" is raised by the ${src.alertSource} canary; configure it under ${src.alertSource}: in keel.yaml.`, { param: "name" });
    if (!this.store.deleteRule(name)) throw new KeelError("not_found", `No alert rule "${name.slice(0, 128)}".`, { param: "name" });
    for (const fn of this.changed) fn();
  }

  ack(name: string, by: string): AlertView {
    const v = this.get(name);
    this.store.putState(name, { ...v.state, ackedBy: by });
    return this.get(name);
  }

  silence(name: string, untilMs: number): AlertView {
    const v = this.get(name);
    this.store.putState(name, { ...v.state, silencedUntil: untilMs });
    return this.get(name);
  }

  notifications(rule: string | null, limit = 100): NotificationRecord[] {
    return this.store.notifications(rule, limit);
  }

  /** One pass over every rule. Passes never overlap; a second call waits for the running one. */
  evaluate(now: number = Date.now()): Promise<void> {
    this.running ??= this.pass(now).finally(() => { this.running = null; });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.evaluate().catch((err) => this.log.error("alert evaluation failed", { error: String(err) })), this.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async pass(now: number): Promise<void> {
    if (this.retrieval) this.retrieval.window.record({ at: now, ...this.retrieval.read() });
    for (const { rule, state } of this.evaluated(now)) {
      try {
        await this.evaluateRule(rule, state, now);
      } catch (err) {
        this.log.error("alert rule evaluation failed", { rule: rule.name, error: String(err) });
      }
    }
  }

  private async observe(rule: AlertRule, now: number): Promise<Observation> {
    if (isEngineMetric(rule.metric)) return this.engines === null ? { kind: "no_data", samples: 0 } : judgeEngines(rule, this.engines);
    const windowMs = rule.window_s * 1000;
    if (isKnowledgeMetric(rule.metric)) {
      if (!this.retrieval) return { kind: "no_data", samples: 0 };
      const w = this.retrieval.window;
      const until = now - windowMs - (rule.change?.offset_s ?? 0) * 1000;
      return judge(rule, w.rate(now - windowMs, now), rule.change ? w.rate(until - (rule.change.baseline_window_s ?? rule.window_s) * 1000, until) : undefined);
    }
    const current = readMetric(rule, await this.read(rule.slice, now - windowMs, now));
    let baseline;
    if (rule.change) {
      const until = now - windowMs - rule.change.offset_s * 1000;
      baseline = readMetric(rule, await this.read(rule.slice, until - (rule.change.baseline_window_s ?? rule.window_s) * 1000, until));
    }
    return judge(rule, current, baseline);
  }

  private async evaluateRule(rule: AlertRule, prev: AlertState, now: number): Promise<void> {
    const { next, transition } = step(prev, await this.observe(rule, now), now, rule.for_s * 1000);
    this.store.putState(rule.name, next);
    if (!transition || next.episode === null) return;
    const type = transition === "firing" ? "alert.firing" : "alert.resolved";
    const incidentId = this.incidents ? (transition === "firing" ? this.incidents.opened(rule, next, now) : this.incidents.resolved(rule, next, now)) : null;
    const silenced = isSilenced(next, now);
    const delivery = this.store.addNotification({ rule: rule.name, episode: next.episode, type, at: now, silenced, owner: rule.owner });
    if (delivery === null) return;
    if (silenced) {
      this.log.info("alert notification silenced", { rule: rule.name, type, until: next.silencedUntil });
      return;
    }
    // Not awaited: retries to a slow or failing receiver run in the background (the notifier drains them on shutdown).
    void this.notifier.notify(rule, {
      type, rule: rule.name, owner: rule.owner, metric: rule.metric, slice: rule.slice, status: next.status, value: next.value,
      baseline: next.baseline, samples: next.samples, window_s: rule.window_s, episode: next.episode, incident_id: incidentId, at: now, description: rule.description,
    }, delivery);
  }
}

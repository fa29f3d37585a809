import { randomBytes } from "node:crypto";
import type { Actor } from "../keys/roles.js";
import type { AuditSink } from "../audit/types.js";
import { KeelError } from "../errors/errors.js";
import type { Logger } from "../observe/log.js";
import { type CallOutcome, Canary, type CanaryMetric, type CanaryReport, DEFAULT_METRICS } from "./canary.js";
import type { PromptsConfig } from "./config.js";
import { labelKey, type PromptRegistry } from "./prompt-registry.js";
import { type Arm, armFor } from "./sticky.js";
import type { PromptStore, RolloutRecord, RolloutSettings } from "./types.js";

interface Running {
  rec: RolloutRecord;
  canary: Canary;
}

export interface RolloutPick {
  rolloutId: string;
  arm: Arm;
  version: number;
}

export interface RolloutStatusView {
  rollout: RolloutRecord;
  /** Percent of traffic on the new version now. */
  percent: number;
  /** The live comparison (running rollouts only; not persisted). */
  comparison: CanaryReport | null;
}

const KEEL: Actor = { name: "keel", role: "admin" };
const RECENT_CALLS = 100_000;

/**
 * Staged rollouts: a label moves from version A to B in steps, each subject (user, else key) sticky
 * to one arm. Every call on a rollout reports its outcome here after the response; a timer runs
 * the scheduled comparisons (Canary) and halts B — all traffic back to A at once — when it is
 * significantly worse than A beyond a threshold. Comparisons live in memory: a restart keeps the
 * rollout and its step but starts counting again.
 */
export class RolloutService {
  private readonly running = new Map<string, Running>();
  private readonly byId = new Map<string, Running>();
  /** request id → arm, so that scores arriving later (evals, feedback) find their arm. */
  private readonly recent = new Map<string, { id: string; arm: Arm }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: PromptStore,
    private readonly registry: PromptRegistry,
    private readonly audit: AuditSink,
    private readonly config: PromptsConfig["rollout"],
    private readonly metrics: readonly CanaryMetric[] = DEFAULT_METRICS,
    private readonly log?: Logger,
    private readonly now: () => number = Date.now,
  ) {
    for (const rec of store.rollouts({ status: "running", limit: 10_000 })) this.track(rec);
  }

  private changed: (names: readonly string[]) => void = () => {};

  /** Called after each rollout this instance saves (its caller defers the call until the write committed). */
  onChanged(fn: (names: readonly string[]) => void): void {
    this.changed = fn;
  }

  /**
   * Another instance started, advanced, promoted or aborted a rollout: take the running set from the
   * store. A rollout still running keeps this instance's canary observations (each instance compares
   * the arms on the share of traffic it served; docs/scale-out.md).
   */
  reload(): void {
    const stored = new Map(this.store.rollouts({ status: "running", limit: 10_000 }).map((rec) => [rec.id, rec]));
    for (const r of [...this.byId.values()]) {
      const rec = stored.get(r.rec.id);
      if (!rec) this.untrack(r);
      else r.rec = rec;
    }
    for (const rec of stored.values()) if (!this.byId.has(rec.id)) this.track(rec);
  }

  /** Starts the evaluation timer (unref'd: it never keeps the process alive). */
  startTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.config.evaluate_interval_ms);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private track(rec: RolloutRecord): Running {
    const r = { rec, canary: new Canary(this.metrics, rec.settings, rec.startedAt % 2 ** 31) };
    this.running.set(labelKey(rec.name, rec.label), r);
    this.byId.set(rec.id, r);
    return r;
  }

  private untrack(r: Running): void {
    this.running.delete(labelKey(r.rec.name, r.rec.label));
    this.byId.delete(r.rec.id);
  }

  isRunning(name: string, label: string): boolean {
    return this.running.has(labelKey(name, label));
  }

  /** Hot path: which version this subject gets on a label under rollout, or null when none runs. */
  pick(name: string, label: string, subject: string): RolloutPick | null {
    const r = this.running.get(labelKey(name, label));
    if (!r) return null;
    const arm = armFor(r.rec.id, subject, r.rec.steps[r.rec.stepIndex]);
    return { rolloutId: r.rec.id, arm, version: arm === "b" ? r.rec.toVersion : r.rec.fromVersion };
  }

  observe(rolloutId: string, arm: Arm, requestId: string, outcome: CallOutcome): void {
    const r = this.byId.get(rolloutId);
    if (!r) return;
    r.canary.observe(arm, outcome);
    this.recent.set(requestId, { id: rolloutId, arm });
    if (this.recent.size > RECENT_CALLS) this.recent.delete(this.recent.keys().next().value!);
  }

  /** An eval, judge or feedback score for a call (by its request/trace id). False when the call is not on a running rollout. */
  score(requestId: string, name: string, value: number): boolean {
    const hit = this.recent.get(requestId);
    const r = hit && this.byId.get(hit.id);
    if (!hit || !r) return false;
    r.canary.score(hit.arm, name, value);
    return true;
  }

  settingsFor(overrides: Partial<Omit<RolloutSettings, "thresholds">> & { thresholds?: Partial<RolloutSettings["thresholds"]> }): RolloutSettings {
    const c = this.config;
    return {
      min_samples: overrides.min_samples ?? c.min_samples,
      alpha: overrides.alpha ?? c.alpha,
      max_looks: overrides.max_looks ?? c.max_looks,
      auto_advance_ms: overrides.auto_advance_ms ?? c.auto_advance_ms,
      thresholds: { ...c.thresholds, ...overrides.thresholds },
    };
  }

  start(input: { name: string; label: string; toVersion: number; steps?: number[]; settings: RolloutSettings }, actor: Actor, reason: string | null): RolloutRecord {
    const { name, label, toVersion } = input;
    const from = this.registry.versionAt(name, label);
    if (from === undefined) throw new KeelError("invalid_request", `Prompt '${name}' has no label '${label}' to roll out from; set it first.`, { param: "label" });
    if (!this.registry.version(name, toVersion)) throw new KeelError("not_found", `Prompt '${name}' has no version ${toVersion}.`, { param: "to_version" });
    if (from === toVersion) throw new KeelError("invalid_request", `Label '${label}' already points at version ${toVersion}.`, { param: "to_version" });
    if (this.isRunning(name, label)) throw new KeelError("conflict", `A rollout is already running on ${name}@${label}; promote or abort it first.`, { param: "label" });
    const problems = this.registry.validate({}, [{ name, version: toVersion }]);
    if (problems.length > 0) throw new KeelError("invalid_request", `Version ${toVersion} cannot be served: ${problems.join("; ")}.`, { param: "to_version" });
    const now = this.now();
    const rec: RolloutRecord = {
      id: `ro_${randomBytes(9).toString("base64url")}`,
      name, label, fromVersion: from, toVersion, steps: input.steps ?? this.config.steps, stepIndex: 0, status: "running",
      settings: input.settings, startedAt: now, stepStartedAt: now, endedAt: null, actor: actor.name, reason, outcome: null,
    };
    this.store.atomically(() => {
      this.store.saveRollout(rec);
      this.changed([rec.name]);
      this.record(actor, "prompt.rollout.started", rec, null, this.view(rec), reason);
    });
    this.track(rec);
    if (rec.steps[0] >= 100) return this.complete(this.byId.get(rec.id)!, actor, reason);
    return rec;
  }

  /** Next step; at the last step (100%) the label moves to the new version and the rollout completes. */
  promote(name: string, label: string, actor: Actor, reason: string | null, toEnd = false): RolloutRecord {
    const r = this.mustRun(name, label);
    const before = this.view(r.rec);
    const next = toEnd ? r.rec.steps.length - 1 : r.rec.stepIndex + 1;
    if (next >= r.rec.steps.length - 1) return this.complete(r, actor, reason);
    const updated = { ...r.rec, stepIndex: next, stepStartedAt: this.now() };
    this.store.atomically(() => {
      this.store.saveRollout(updated);
      this.changed([updated.name]);
      this.record(actor, "prompt.rollout.promoted", updated, before, this.view(updated), reason);
    });
    r.rec = updated;
    return updated;
  }

  abort(name: string, label: string, actor: Actor, reason: string | null): RolloutRecord {
    return this.end(this.mustRun(name, label), "aborted", actor, reason, { by: actor.name });
  }

  status(name: string, label: string): RolloutStatusView | null {
    const r = this.running.get(labelKey(name, label));
    if (r) return { rollout: r.rec, percent: r.rec.steps[r.rec.stepIndex], comparison: r.canary.report(false) };
    const last = this.store.rollouts({ name, label, limit: 1 })[0];
    return last ? { rollout: last, percent: last.status === "completed" ? 100 : 0, comparison: null } : null;
  }

  history(name: string, limit = 50): RolloutRecord[] {
    return this.store.rollouts({ name, limit });
  }

  /** Runs due comparisons and auto-advances. Called by the timer; tests call it directly. */
  tick(): void {
    for (const r of [...this.running.values()]) {
      try {
        const report = r.canary.report(true);
        if (report.verdict === "worse") {
          const bad = report.metrics.filter((m) => m.breached);
          const why = bad.map((m) => `${m.metric}: A ${fmt(m.a.value)} (n=${m.a.n}) vs B ${fmt(m.b.value)} (n=${m.b.n}), p=${m.test!.p.toExponential(2)} < ${report.alphaPerTest.toExponential(2)}`).join("; ");
          this.log?.warn("prompt rollout halted: new version worse than the old", { prompt: r.rec.name, label: r.rec.label, rollout: r.rec.id, why });
          this.end(r, "halted", KEEL, `automatic halt: version ${r.rec.toVersion} is worse than ${r.rec.fromVersion} — ${why}`, report);
          continue;
        }
        const s = r.rec.settings;
        const bCalls = report.metrics.find((m) => m.metric === "error_rate")?.b.n ?? 0;
        if (s.auto_advance_ms > 0 && this.now() - r.rec.stepStartedAt >= s.auto_advance_ms && bCalls >= s.min_samples) {
          this.promote(r.rec.name, r.rec.label, KEEL, `automatic: ${s.auto_advance_ms} ms at ${r.rec.steps[r.rec.stepIndex]}% with no significant regression`);
        }
      } catch (err) {
        this.log?.error("rollout evaluation failed", { rollout: r.rec.id, error: String(err) });
      }
    }
  }

  private complete(r: Running, actor: Actor, reason: string | null): RolloutRecord {
    const { name, label, fromVersion, toVersion } = r.rec;
    return this.end(r, "completed", actor, reason, { by: actor.name }, () => {
      const moved = this.registry.moveLabel({ name, label, from: fromVersion, to: toVersion, kind: "set", at: this.now(), actor: actor.name, reason: `rollout ${r.rec.id} completed` }, fromVersion);
      if (!moved) throw new KeelError("conflict", `Label '${label}' of '${name}' moved during the rollout; abort it.`, { param: "label" });
      this.audit.record({ actor: actor.name, role: actor.role, action: "prompt.label.set", targetType: "prompt", target: `${name}@${label}`, before: { version: fromVersion }, after: { version: toVersion }, reason: `rollout ${r.rec.id} completed` });
    });
  }

  private end(r: Running, status: "completed" | "halted" | "aborted", actor: Actor, reason: string | null, outcome: unknown, also?: () => void): RolloutRecord {
    const before = this.view(r.rec);
    const updated: RolloutRecord = { ...r.rec, status, endedAt: this.now(), outcome, stepIndex: status === "completed" ? r.rec.steps.length - 1 : r.rec.stepIndex };
    try {
      this.store.atomically(() => {
        this.store.saveRollout(updated);
        this.changed([updated.name]);
        also?.();
        this.record(actor, `prompt.rollout.${status}`, updated, before, this.view(updated), reason);
      });
    } catch (err) {
      this.registry.refresh(r.rec.name);
      throw err;
    }
    // Untracking is what sends every subject back to A (or, completed, to the label's new version).
    this.untrack(r);
    return updated;
  }

  private mustRun(name: string, label: string): Running {
    const r = this.running.get(labelKey(name, label));
    if (!r) throw new KeelError("not_found", `No rollout is running on ${name}@${label}.`, { param: "label" });
    return r;
  }

  private view(r: RolloutRecord): Record<string, unknown> {
    return { id: r.id, from_version: r.fromVersion, to_version: r.toVersion, steps: r.steps, percent: r.steps[r.stepIndex], status: r.status };
  }

  private record(actor: Actor, action: string, r: RolloutRecord, before: unknown, after: unknown, reason: string | null): void {
    this.audit.record({ actor: actor.name, role: actor.name === "keel" ? null : actor.role, action, targetType: "prompt", target: `${r.name}@${r.label}`, before, after, reason });
  }
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

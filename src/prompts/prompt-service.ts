import type { z } from "zod";
import { chatRequestSchema, issuePath } from "../api/chat-schema.js";
import type { AuditSink } from "../audit/types.js";
import { KeelError } from "../errors/errors.js";
import { type Actor, requireAdmin } from "../keys/roles.js";
import type { Logger } from "../observe/log.js";
import type { CallOutcome, CanaryMetric } from "./canary.js";
import type { CompiledPrompt } from "./compile.js";
import type { PromptsConfig, rolloutOverridesSchema } from "./config.js";
import { diffLines, formatUnified, type LineDiff } from "./diff.js";
import { contentHash, LATEST, normalizeContent, type PushItem } from "./prompt-content.js";
import { versionText } from "./prompt-files.js";
import { labelKey, PromptRegistry } from "./prompt-registry.js";
import { type RolloutPick, RolloutService } from "./rollout-service.js";
import type { LabelMove, PromptContent, PromptStore, PromptVersion, RolloutRecord } from "./types.js";

export type RolloutOverrides = z.output<typeof rolloutOverridesSchema>;

export const DEFAULT_LABEL = "production";

/** A prompt reference as a request gives it: label (default production) or an exact version. */
export interface PromptRef {
  name: string;
  label?: string;
  version?: number;
}

/** What the gateway gets back: the compiled version to render and what to record on the trace. */
export interface ResolvedPrompt {
  compiled: CompiledPrompt;
  /** The label asked for; null when the request named a version. */
  label: string | null;
  rollout: RolloutPick | null;
}

export interface PushChange {
  name: string;
  action: "created" | "new_version" | "unchanged";
  version: number;
  previous: number | null;
  labels: { label: string; from: number | null; to: number }[];
  diff: { added: number; removed: number; unified?: string } | null;
}

interface ChangeContext {
  actor: Actor;
  reason: string | null;
}

/**
 * The prompt registry's one entry point for the admin API and the gateway. Every write checks
 * the role for protected labels, validates the state it would leave (includes resolve, no cycles),
 * and lands together with its audit entry in one transaction. Reads — above all `resolve`, on every
 * gateway call that names a prompt — are answered from memory.
 */
export class PromptService {
  readonly registry: PromptRegistry;
  readonly rollouts: RolloutService;
  private readonly protectedLabels: ReadonlySet<string>;
  private readonly now: () => number;

  constructor(
    private readonly store: PromptStore,
    private readonly audit: AuditSink,
    config: PromptsConfig,
    opts: { metrics?: readonly CanaryMetric[]; log?: Logger; now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.registry = new PromptRegistry(store);
    this.rollouts = new RolloutService(store, this.registry, audit, config.rollout, opts.metrics, opts.log, this.now);
    this.protectedLabels = new Set(config.protected_labels);
  }

  isProtected(label: string): boolean {
    return this.protectedLabels.has(label);
  }

  // ── Hot path ──────────────────────────────────────────────────────────────────────────────

  /** name@label (or @version) → compiled version, honouring a running rollout for `subject` (null: none). Memory only. */
  resolve(ref: PromptRef, subject: string | null): ResolvedPrompt {
    if (!this.registry.exists(ref.name)) throw new KeelError("not_found", `No prompt named '${ref.name}'.`, { param: "prompt.name" });
    if (ref.version !== undefined) return { compiled: this.registry.compiledAt(ref.name, ref.version), label: null, rollout: null };
    const label = ref.label ?? DEFAULT_LABEL;
    const pick = label === LATEST || subject === null ? null : this.rollouts.pick(ref.name, label, subject);
    const version = pick?.version ?? this.registry.versionAt(ref.name, label);
    if (version === undefined) throw new KeelError("not_found", `Prompt '${ref.name}' has no label '${label}'.`, { param: "prompt.label" });
    return { compiled: this.registry.compiledAt(ref.name, version), label, rollout: pick };
  }

  /** After the response: a call on a rollout feeds its comparison. */
  observe(resolved: ResolvedPrompt, requestId: string, outcome: CallOutcome): void {
    if (resolved.rollout) this.rollouts.observe(resolved.rollout.rolloutId, resolved.rollout.arm, requestId, outcome);
  }

  // ── Reads ─────────────────────────────────────────────────────────────────────────────────

  list(): Record<string, unknown>[] {
    return this.registry.names().map((name) => {
      const latest = this.registry.latest(name)!;
      return {
        name,
        type: latest.content.type,
        latest_version: latest.version,
        labels: Object.fromEntries(this.registry.labels(name).map((l) => [l.label, l.version])),
        rollouts: this.registry.labels(name).filter((l) => this.rollouts.isRunning(name, l.label)).map((l) => l.label),
        updated_at: new Date(latest.createdAt).toISOString(),
      };
    });
  }

  mustExist(name: string): void {
    if (!this.registry.exists(name)) throw new KeelError("not_found", `No prompt named '${name}'.`, { param: "name" });
  }

  version(name: string, version: number): PromptVersion {
    this.mustExist(name);
    const v = this.registry.version(name, version);
    if (!v) throw new KeelError("not_found", `Prompt '${name}' has no version ${version}.`, { param: "version" });
    return v;
  }

  diff(name: string, from: number, to: number): LineDiff & { unified: string } {
    const a = this.version(name, from);
    const b = this.version(name, to);
    const d = diffLines(versionText(a.content), versionText(b.content));
    return { ...d, unified: formatUnified(d, `${name}@${from}`, `${name}@${to}`) };
  }

  // ── Writes ────────────────────────────────────────────────────────────────────────────────

  /**
   * Files (or API callers) → versions. Idempotent: content equal to the newest version makes no
   * version, labels already in place do not move. All prompts of one push land together or not
   * at all, so a push whose includes point at each other is checked as a whole.
   */
  push(items: readonly PushItem[], opts: { dryRun: boolean; message: string | null; withDiff: boolean } & ChangeContext): PushChange[] {
    const seen = new Set<string>();
    for (const it of items) {
      if (seen.has(it.name)) throw new KeelError("invalid_request", `Prompt '${it.name}' appears twice in one push.`, { param: "prompts" });
      seen.add(it.name);
      for (const l of it.labels ?? []) this.checkLabelMovable(it.name, l, opts.actor);
    }
    const drafts = items.map((it, i) => {
      const { name, labels: _l, message, ...rest } = it;
      const content = normalizeContent(rest as Parameters<typeof normalizeContent>[0]);
      checkConfig(i, content);
      return { name, labels: it.labels ?? [], content, hash: contentHash(content), message: message ?? opts.message };
    });
    const planned = drafts.map((d) => this.plan(d, opts.withDiff));
    const at = this.now();
    const overlay = {
      versions: drafts.flatMap((d, i) => (planned[i].action === "unchanged" ? [] : [{ ...d, version: planned[i].version, author: opts.actor.name, createdAt: at }])),
      labels: new Map(planned.flatMap((c) => c.labels.map((l) => [labelKey(c.name, l.label), l.to] as [string, number]))),
    };
    this.failOn(this.registry.validate(overlay));
    for (const c of planned) for (const l of c.labels) this.checkNoRollout(c.name, l.label);
    if (opts.dryRun) return planned;

    const names = drafts.map((d) => d.name);
    const changes: PushChange[] = [];
    this.write(names, () => {
      drafts.forEach((d, i) => {
        const r = this.registry.createVersion({ name: d.name, hash: d.hash, content: d.content, message: d.message, author: opts.actor.name, createdAt: at });
        const v = r.version.version;
        if (r.created) {
          this.audit.record({
            actor: opts.actor.name, role: opts.actor.role, action: "prompt.version.created", targetType: "prompt", target: d.name,
            before: planned[i].previous === null ? null : { version: planned[i].previous }, after: { version: v, hash: d.hash, message: d.message }, reason: opts.reason ?? d.message,
          });
        }
        const moved: PushChange["labels"] = [];
        for (const label of d.labels) {
          const from = this.registry.versionAt(d.name, label) ?? null;
          if (from === v) continue;
          this.registry.moveLabel({ name: d.name, label, from, to: v, kind: "set", at, actor: opts.actor.name, reason: opts.reason }, from);
          this.audit.record({ actor: opts.actor.name, role: opts.actor.role, action: "prompt.label.set", targetType: "prompt", target: `${d.name}@${label}`, before: from === null ? null : { version: from }, after: { version: v }, reason: opts.reason ?? "push" });
          moved.push({ label, from, to: v });
        }
        const action = !r.created ? "unchanged" : v === 1 ? "created" : "new_version";
        changes.push({ ...planned[i], action, version: v, previous: r.created ? (v > 1 ? v - 1 : null) : planned[i].previous, labels: moved });
      });
      // Checked again on what was really written: another writer may have added versions meanwhile.
      this.failOn(this.registry.validate({}));
    });
    return changes;
  }

  /** What pushing `d` would do against the registry as it is now. */
  private plan(d: { name: string; labels: string[]; content: PromptContent; hash: string }, withDiff: boolean): PushChange {
    const latest = this.registry.latest(d.name);
    const same = latest?.hash === d.hash;
    const version = same ? latest!.version : (latest?.version ?? 0) + 1;
    const labels = d.labels.map((label) => ({ label, from: this.registry.versionAt(d.name, label) ?? null, to: version })).filter((l) => l.from !== l.to);
    let diff: PushChange["diff"] = null;
    if (!same) {
      const ld = diffLines(latest ? versionText(latest.content) : "", versionText(d.content));
      const unified = withDiff ? { unified: formatUnified(ld, latest ? `${d.name}@${latest.version}` : "/dev/null", `${d.name}@${version}`) } : {};
      diff = { added: ld.added, removed: ld.removed, ...unified };
    }
    return { name: d.name, action: same ? "unchanged" : latest ? "new_version" : "created", version, previous: latest?.version ?? null, labels, diff };
  }

  setLabel(name: string, label: string, version: number, opts: { expected?: number | null } & ChangeContext): { from: number | null; to: number } {
    this.version(name, version);
    this.checkLabelMovable(name, label, opts.actor);
    this.checkNoRollout(name, label);
    const from = this.registry.versionAt(name, label) ?? null;
    if (from === version) return { from, to: version };
    this.failOn(this.registry.validate({ labels: new Map([[labelKey(name, label), version]]) }));
    this.move({ name, label, from, to: version, kind: "set", at: this.now(), actor: opts.actor.name, reason: opts.reason }, opts.expected, opts, "prompt.label.set");
    return { from, to: version };
  }

  deleteLabel(name: string, label: string, opts: ChangeContext): { from: number } {
    this.mustExist(name);
    this.checkLabelMovable(name, label, opts.actor);
    this.checkNoRollout(name, label);
    const from = this.registry.versionAt(name, label);
    if (from === undefined) throw new KeelError("not_found", `Prompt '${name}' has no label '${label}'.`, { param: "label" });
    this.failOn(this.registry.validate({ labels: new Map([[labelKey(name, label), null]]) }));
    this.move({ name, label, from, to: null, kind: "delete", at: this.now(), actor: opts.actor.name, reason: opts.reason }, from, opts, "prompt.label.deleted");
    return { from };
  }

  /**
   * Moves a label back to where it was before its last move (repeated rollbacks keep walking
   * back), or to `to`. A label under rollout is rolled back by aborting the rollout: every subject
   * is on the old version from the next request.
   */
  rollback(name: string, label: string, opts: { to?: number } & ChangeContext): { from: number; to: number; via: "label" | "rollout" } {
    this.mustExist(name);
    if (this.isProtected(label)) requireAdmin(opts.actor, `Rolling back the protected label '${label}'`);
    if (this.rollouts.isRunning(name, label)) {
      const r = this.rollouts.abort(name, label, opts.actor, opts.reason ?? "rollback");
      return { from: r.toVersion, to: r.fromVersion, via: "rollout" };
    }
    const from = this.registry.versionAt(name, label);
    if (from === undefined) throw new KeelError("not_found", `Prompt '${name}' has no label '${label}'.`, { param: "label" });
    const to = opts.to ?? this.previousPosition(name, label);
    if (to === null) throw new KeelError("conflict", `Label '${label}' of '${name}' has no earlier version to roll back to.`, { param: "label" });
    this.version(name, to);
    if (to === from) return { from, to, via: "label" };
    this.failOn(this.registry.validate({ labels: new Map([[labelKey(name, label), to]]) }));
    this.move({ name, label, from, to, kind: "rollback", at: this.now(), actor: opts.actor.name, reason: opts.reason }, from, opts, "prompt.rollback");
    return { from, to, via: "label" };
  }

  startRollout(name: string, label: string, toVersion: number, overrides: RolloutOverrides, ctx: ChangeContext): RolloutRecord {
    this.mustExist(name);
    this.checkLabelMovable(name, label, ctx.actor);
    const { steps, ...settings } = overrides;
    return this.rollouts.start({ name, label, toVersion, steps, settings: this.rollouts.settingsFor(settings) }, ctx.actor, ctx.reason);
  }

  promoteRollout(name: string, label: string, complete: boolean, ctx: ChangeContext): RolloutRecord {
    this.checkLabelMovable(name, label, ctx.actor);
    return this.rollouts.promote(name, label, ctx.actor, ctx.reason, complete);
  }

  abortRollout(name: string, label: string, ctx: ChangeContext): RolloutRecord {
    this.checkLabelMovable(name, label, ctx.actor);
    return this.rollouts.abort(name, label, ctx.actor, ctx.reason);
  }

  /** Walks the label's moves newest first; each rollback cancels the move before it. */
  private previousPosition(name: string, label: string): number | null {
    let skip = 0;
    for (const m of this.store.labelMoves(name, label, 10_000)) {
      if (m.kind === "rollback") skip++;
      else if (skip > 0) skip--;
      else return m.from;
    }
    return null;
  }

  checkLabelMovable(name: string, label: string, actor: Actor): void {
    if (label === LATEST) throw new KeelError("invalid_request", "The 'latest' label always points at the newest version; it cannot be moved.", { param: "label" });
    if (this.isProtected(label)) requireAdmin(actor, `Moving the protected label '${label}' of '${name}'`);
  }

  private checkNoRollout(name: string, label: string): void {
    if (this.rollouts.isRunning(name, label)) {
      throw new KeelError("conflict", `A rollout is running on ${name}@${label}; promote, abort or roll it back first.`, { param: "label" });
    }
  }

  private move(m: LabelMove, expected: number | null | undefined, ctx: ChangeContext, action: string): void {
    this.write([m.name], () => {
      if (!this.registry.moveLabel(m, expected)) {
        throw new KeelError("conflict", `Label '${m.label}' of '${m.name}' is not at version ${expected ?? "(unset)"} any more; read it again.`, { param: "expected_version" });
      }
      this.audit.record({
        actor: ctx.actor.name, role: ctx.actor.role, action, targetType: "prompt", target: `${m.name}@${m.label}`,
        before: m.from === null ? null : { version: m.from }, after: m.to === null ? null : { version: m.to }, reason: ctx.reason,
      });
    });
  }

  /** One transaction for a change and its audit entries; on failure memory is re-read so it matches the store. */
  private write(names: readonly string[], fn: () => void): void {
    try {
      this.store.atomically(fn);
    } catch (err) {
      for (const n of names) this.registry.refresh(n);
      throw err;
    }
    this.changed(names);
  }

  private changed: (names: readonly string[]) => void = () => {};

  /** Called after each committed change this instance makes (the change feed tells the other instances). */
  onChanged(fn: (names: readonly string[]) => void): void {
    this.changed = fn;
    this.rollouts.onChanged(fn);
  }

  /** Another instance changed these prompts (or, without names, any): re-read them and the running rollouts. */
  reload(names?: readonly string[]): void {
    for (const n of names ?? this.store.allVersions().map((v) => v.name)) this.registry.refresh(n);
    this.rollouts.reload();
  }

  private failOn(problems: string[]): void {
    if (problems.length > 0) throw new KeelError("invalid_request", `The change would leave prompts that cannot be rendered: ${problems.join("; ")}.`, { param: "prompts" });
  }

  close(): void {
    this.rollouts.close();
  }
}

/**
 * A version's model config must make a valid request: checked at push with the gateway's own
 * request schema, so a bad `temperature` fails the push (naming the field), not every later call.
 */
function checkConfig(index: number, c: PromptContent): void {
  const probe = { ...c.params, model: c.model ?? "probe", messages: [{ role: "user", content: "probe" }], tools: c.tools, response_format: c.response_format };
  const r = chatRequestSchema.safeParse(probe);
  if (r.success) return;
  const issue = r.error.issues[0];
  const path = issuePath(issue.path);
  const field = ["model", "tools", "response_format"].some((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`)) ? path : `params.${path}`;
  throw new KeelError("invalid_request", `Invalid 'prompts[${index}].${field}': ${issue.message}.`, { param: `prompts[${index}].${field}` });
}

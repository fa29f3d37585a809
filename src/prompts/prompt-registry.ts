import { KeelError } from "../errors/errors.js";
import { type CompiledPrompt, compilePrompt, type IncludeResolver } from "./compile.js";
import { LATEST } from "./prompt-content.js";
import { TemplateError } from "./template.js";
import type { LabelMove, LabelRecord, NewVersion, PromptStore, PromptVersion } from "./types.js";

interface Entry {
  name: string;
  versions: Map<number, PromptVersion>;
  latest: number;
  labels: Map<string, LabelRecord>;
}

/** A proposed state for validation: versions about to exist and label positions about to change. */
export interface Overlay {
  versions?: readonly PromptVersion[];
  /** `name\0label` → version, or null for a deleted label. */
  labels?: ReadonlyMap<string, number | null>;
}

export const labelKey = (name: string, label: string): string => `${name}\0${label}`;

/**
 * Every prompt version and label, in memory. Resolving `name@label` and fetching its compiled form
 * are map lookups; the store is read only at start and written (then re-read for that one prompt)
 * on change, so the hot path never waits on SQLite. Compiled templates are cached per version and
 * the cache is dropped on any change: includes follow labels, so any move may change any prompt.
 */
export class PromptRegistry {
  private readonly prompts = new Map<string, Entry>();
  private compiled = new Map<string, CompiledPrompt>();

  constructor(private readonly store: PromptStore) {
    for (const v of store.allVersions()) this.entry(v.name).versions.set(v.version, v);
    for (const l of store.allLabels()) this.entry(l.name).labels.set(l.label, l);
    for (const e of this.prompts.values()) e.latest = Math.max(0, ...e.versions.keys());
  }

  private entry(name: string): Entry {
    let e = this.prompts.get(name);
    if (!e) this.prompts.set(name, (e = { name, versions: new Map(), latest: 0, labels: new Map() }));
    return e;
  }

  /** Re-reads one prompt from the store: after a write, so a version another instance added is not missed. */
  refresh(name: string): void {
    const e = this.entry(name);
    e.versions = new Map(this.store.versions(name).map((v) => [v.version, v]));
    e.labels = new Map(this.store.labels(name).map((l) => [l.label, l]));
    e.latest = Math.max(0, ...e.versions.keys());
    this.compiled = new Map();
  }

  names(): string[] {
    return [...this.prompts.keys()].filter((n) => this.prompts.get(n)!.latest > 0).sort();
  }

  exists(name: string): boolean {
    return (this.prompts.get(name)?.latest ?? 0) > 0;
  }

  latest(name: string): PromptVersion | undefined {
    const e = this.prompts.get(name);
    return e ? e.versions.get(e.latest) : undefined;
  }

  version(name: string, version: number): PromptVersion | undefined {
    return this.prompts.get(name)?.versions.get(version);
  }

  versions(name: string): PromptVersion[] {
    return [...(this.prompts.get(name)?.versions.values() ?? [])].sort((a, b) => a.version - b.version);
  }

  labels(name: string): LabelRecord[] {
    return [...(this.prompts.get(name)?.labels.values() ?? [])].sort((a, b) => a.label.localeCompare(b.label));
  }

  /** The version a label points at; `latest` is the newest version. */
  versionAt(name: string, label: string): number | undefined {
    const e = this.prompts.get(name);
    if (!e || e.latest === 0) return undefined;
    return label === LATEST ? e.latest : e.labels.get(label)?.version;
  }

  /** Hot path: a cached compile, or a 4xx saying why the version cannot be served. */
  compiledAt(name: string, version: number): CompiledPrompt {
    const key = `${name}@${version}`;
    const hit = this.compiled.get(key);
    if (hit) return hit;
    const v = this.version(name, version);
    if (!v) throw new KeelError("not_found", `Prompt '${name}' has no version ${version}.`, { param: "prompt.version" });
    try {
      const c = compilePrompt(v, this.resolver());
      this.compiled.set(key, c);
      return c;
    } catch (err) {
      if (err instanceof TemplateError) throw new KeelError("invalid_request", `Prompt '${name}' version ${version} cannot be rendered: ${err.message}.`, { param: "prompt" });
      throw err;
    }
  }

  /**
   * Checks that, in the proposed state, every labelled version and every new version compiles
   * (includes exist, are text prompts, and form no cycle). Returns the problems, or [] when none.
   */
  validate(overlay: Overlay, extraRoots: readonly { name: string; version: number }[] = []): string[] {
    const resolve = this.resolver(overlay);
    const extra = new Map<string, PromptVersion>();
    for (const v of overlay.versions ?? []) extra.set(`${v.name}@${v.version}`, v);
    const roots = new Map<string, PromptVersion>(extra);
    const add = (name: string, version: number | null | undefined): void => {
      if (version === null || version === undefined) return;
      const v = extra.get(`${name}@${version}`) ?? this.version(name, version);
      if (v) roots.set(`${name}@${version}`, v);
    };
    for (const e of this.prompts.values()) for (const l of e.labels.values()) if (!overlay.labels?.has(labelKey(e.name, l.label))) add(e.name, l.version);
    for (const [k, v] of overlay.labels ?? []) add(k.split("\0")[0], v);
    for (const r of extraRoots) add(r.name, r.version);
    const problems: string[] = [];
    for (const v of roots.values()) {
      try {
        compilePrompt(v, resolve);
      } catch (err) {
        if (!(err instanceof TemplateError)) throw err;
        problems.push(err.message.startsWith(`${v.name}@`) || err.message.startsWith("include cycle") ? err.message : `${v.name}@${v.version}: ${err.message}`);
      }
    }
    return [...new Set(problems)];
  }

  private resolver(overlay: Overlay = {}): IncludeResolver {
    const extra = new Map<string, PromptVersion>();
    for (const v of overlay.versions ?? []) extra.set(`${v.name}@${v.version}`, v);
    const newest = (name: string): number => Math.max(this.prompts.get(name)?.latest ?? 0, ...(overlay.versions ?? []).filter((v) => v.name === name).map((v) => v.version));
    return (name, ref) => {
      if (newest(name) === 0) return `no prompt named '${name}'`;
      let version: number | null | undefined;
      if ("version" in ref) version = ref.version;
      else if (ref.label === LATEST) version = newest(name);
      else {
        const k = labelKey(name, ref.label);
        version = overlay.labels?.has(k) ? overlay.labels.get(k) : this.prompts.get(name)?.labels.get(ref.label)?.version;
        if (version === null || version === undefined) return `prompt '${name}' has no label '${ref.label}'`;
      }
      const v = extra.get(`${name}@${version}`) ?? this.version(name, version);
      return v ?? `prompt '${name}' has no version ${version}`;
    };
  }

  // Writes: the store first (it assigns version numbers and checks label positions atomically), then memory.

  createVersion(draft: NewVersion): { version: PromptVersion; created: boolean } {
    const r = this.store.createVersion(draft);
    this.refresh(draft.name);
    return r;
  }

  moveLabel(move: LabelMove, expected: number | null | undefined): boolean {
    const ok = this.store.moveLabel(move, expected);
    this.refresh(move.name);
    if (ok) for (const fn of this.labelListeners) fn(move);
    return ok;
  }

  private readonly labelListeners: ((move: LabelMove) => void)[] = [];

  /**
   * Calls `fn` after each label move (set, rollback, delete, a rollout's promotion): what depends
   * on the version a label served (the response cache's entries) is dropped with it.
   */
  onLabelMove(fn: (move: LabelMove) => void): void {
    this.labelListeners.push(fn);
  }
}

import type { SqliteDb } from "../store/sqlite.js";
import type { LabelMove, LabelRecord, NewVersion, PromptStore, PromptVersion, RolloutRecord, RolloutStatus } from "./types.js";
import { fromLabelRow, fromVersionRow, type LabelRow, type MoveRow, type RolloutRow, type VersionRow } from "./prompt-rows.js";

export class SqlitePromptStore implements PromptStore {
  private readonly stmts;
  private readonly createTx;
  private readonly moveTx;

  constructor(private readonly db: SqliteDb) {
    this.stmts = {
      allVersions: db.prepare("SELECT * FROM prompt_versions ORDER BY name, version"),
      versions: db.prepare("SELECT * FROM prompt_versions WHERE name = ? ORDER BY version"),
      newest: db.prepare("SELECT * FROM prompt_versions WHERE name = ? ORDER BY version DESC LIMIT 1"),
      insertVersion: db.prepare(
        "INSERT INTO prompt_versions (name, version, hash, type, content, message, author, created_at) VALUES (@name, @version, @hash, @type, @content, @message, @author, @created_at)",
      ),
      allLabels: db.prepare("SELECT * FROM prompt_labels ORDER BY name, label"),
      labels: db.prepare("SELECT * FROM prompt_labels WHERE name = ? ORDER BY label"),
      label: db.prepare("SELECT version FROM prompt_labels WHERE name = ? AND label = ?"),
      upsertLabel: db.prepare(
        `INSERT INTO prompt_labels (name, label, version, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (name, label) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ),
      deleteLabel: db.prepare("DELETE FROM prompt_labels WHERE name = ? AND label = ?"),
      insertMove: db.prepare(
        "INSERT INTO prompt_label_moves (name, label, from_version, to_version, kind, at, actor, reason) VALUES (@name, @label, @from_version, @to_version, @kind, @at, @actor, @reason)",
      ),
      moves: db.prepare("SELECT * FROM prompt_label_moves WHERE name = ? AND label = ? ORDER BY id DESC LIMIT ?"),
      saveRollout: db.prepare(
        `INSERT INTO prompt_rollouts (id, name, label, from_version, to_version, steps, step_index, status, settings, started_at, step_started_at, ended_at, actor, reason, outcome)
         VALUES (@id, @name, @label, @from_version, @to_version, @steps, @step_index, @status, @settings, @started_at, @step_started_at, @ended_at, @actor, @reason, @outcome)
         ON CONFLICT (id) DO UPDATE SET step_index = excluded.step_index, status = excluded.status, step_started_at = excluded.step_started_at,
           ended_at = excluded.ended_at, outcome = excluded.outcome`,
      ),
    };
    // IMMEDIATE takes the write lock before reading the newest version, so another connection
    // (a second instance on the same file) cannot slip a version in between the read and the insert.
    const create = db.transaction((d: NewVersion): { version: PromptVersion; created: boolean } => {
      const newest = this.stmts.newest.get(d.name) as VersionRow | undefined;
      if (newest && newest.hash === d.hash) return { version: fromVersionRow(newest), created: false };
      const version = (newest?.version ?? 0) + 1;
      this.stmts.insertVersion.run({
        name: d.name, version, hash: d.hash, type: d.content.type, content: JSON.stringify(d.content), message: d.message, author: d.author, created_at: d.createdAt,
      });
      return { version: { ...d, version }, created: true };
    });
    this.createTx = (d: NewVersion) => (db.inTransaction ? create(d) : create.immediate(d));
    const move = db.transaction((m: LabelMove, expected: number | null | undefined): boolean => {
      const current = (this.stmts.label.get(m.name, m.label) as { version: number } | undefined)?.version ?? null;
      if (expected !== undefined && current !== expected) return false;
      if (m.to === null) this.stmts.deleteLabel.run(m.name, m.label);
      else this.stmts.upsertLabel.run(m.name, m.label, m.to, m.at, m.actor);
      this.stmts.insertMove.run({ name: m.name, label: m.label, from_version: current, to_version: m.to, kind: m.kind, at: m.at, actor: m.actor, reason: m.reason });
      return true;
    });
    this.moveTx = (m: LabelMove, e: number | null | undefined) => (db.inTransaction ? move(m, e) : move.immediate(m, e));
  }

  allVersions(): PromptVersion[] {
    return (this.stmts.allVersions.all() as VersionRow[]).map(fromVersionRow);
  }

  versions(name: string): PromptVersion[] {
    return (this.stmts.versions.all(name) as VersionRow[]).map(fromVersionRow);
  }

  createVersion(draft: NewVersion): { version: PromptVersion; created: boolean } {
    return this.createTx(draft);
  }

  allLabels(): LabelRecord[] {
    return (this.stmts.allLabels.all() as LabelRow[]).map(fromLabelRow);
  }

  labels(name: string): LabelRecord[] {
    return (this.stmts.labels.all(name) as LabelRow[]).map(fromLabelRow);
  }

  moveLabel(move: LabelMove, expected: number | null | undefined): boolean {
    return this.moveTx(move, expected);
  }

  labelMoves(name: string, label: string, limit: number): LabelMove[] {
    return (this.stmts.moves.all(name, label, limit) as MoveRow[]).map((r) => ({
      name: r.name, label: r.label, from: r.from_version, to: r.to_version, kind: r.kind, at: r.at, actor: r.actor, reason: r.reason,
    }));
  }

  saveRollout(r: RolloutRecord): void {
    this.stmts.saveRollout.run({
      id: r.id, name: r.name, label: r.label, from_version: r.fromVersion, to_version: r.toVersion, steps: JSON.stringify(r.steps), step_index: r.stepIndex,
      status: r.status, settings: JSON.stringify(r.settings), started_at: r.startedAt, step_started_at: r.stepStartedAt, ended_at: r.endedAt,
      actor: r.actor, reason: r.reason, outcome: r.outcome === null || r.outcome === undefined ? null : JSON.stringify(r.outcome),
    });
  }

  rollouts(f: { name?: string; label?: string; status?: RolloutStatus; limit: number }): RolloutRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.name !== undefined) { where.push("name = ?"); args.push(f.name); }
    if (f.label !== undefined) { where.push("label = ?"); args.push(f.label); }
    if (f.status !== undefined) { where.push("status = ?"); args.push(f.status); }
    const sql = `SELECT * FROM prompt_rollouts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY started_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, f.limit) as RolloutRow[]).map((r) => ({
      id: r.id, name: r.name, label: r.label, fromVersion: r.from_version, toVersion: r.to_version, steps: JSON.parse(r.steps) as number[],
      stepIndex: r.step_index, status: r.status, settings: JSON.parse(r.settings) as RolloutRecord["settings"], startedAt: r.started_at,
      stepStartedAt: r.step_started_at, endedAt: r.ended_at, actor: r.actor, reason: r.reason, outcome: r.outcome === null ? null : JSON.parse(r.outcome),
    }));
  }

  atomically<T>(fn: () => T): T {
    const tx = this.db.transaction(fn);
    return this.db.inTransaction ? tx() : tx.immediate();
  }
}

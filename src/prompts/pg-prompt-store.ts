import type { PgSql } from "../store/postgres/pg-bridge.js";
import type { LabelMove, LabelRecord, NewVersion, PromptStore, PromptVersion, RolloutRecord, RolloutStatus } from "./types.js";
import { fromLabelRow, fromVersionRow, type LabelRow, type MoveRow, type RolloutRow, type VersionRow } from "./prompt-rows.js";

/**
 * The prompt registry on PostgreSQL. Where SQLite takes its file's write lock (BEGIN IMMEDIATE), a
 * transaction here takes an advisory lock per prompt name, so two instances pushing the same name
 * serialise their read-newest-then-insert; text sort keys use COLLATE "C" to order bytewise as SQLite does.
 */
export class PgPromptStore implements PromptStore {
  constructor(private readonly db: PgSql) {}

  allVersions(): PromptVersion[] {
    return this.db.all<VersionRow>(`SELECT * FROM prompt_versions ORDER BY name COLLATE "C", version`).map(fromVersionRow);
  }

  versions(name: string): PromptVersion[] {
    return this.db.all<VersionRow>("SELECT * FROM prompt_versions WHERE name = $1 ORDER BY version", [name]).map(fromVersionRow);
  }

  createVersion(d: NewVersion): { version: PromptVersion; created: boolean } {
    return this.db.transaction((tx) => {
      lockName(tx, d.name);
      const newest = tx.get<VersionRow>("SELECT * FROM prompt_versions WHERE name = $1 ORDER BY version DESC LIMIT 1", [d.name]);
      if (newest && newest.hash === d.hash) return { version: fromVersionRow(newest), created: false };
      const version = (newest?.version ?? 0) + 1;
      tx.run(
        "INSERT INTO prompt_versions (name, version, hash, type, content, message, author, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [d.name, version, d.hash, d.content.type, JSON.stringify(d.content), d.message, d.author, d.createdAt],
      );
      return { version: { ...d, version }, created: true };
    });
  }

  allLabels(): LabelRecord[] {
    return this.db.all<LabelRow>(`SELECT * FROM prompt_labels ORDER BY name COLLATE "C", label COLLATE "C"`).map(fromLabelRow);
  }

  labels(name: string): LabelRecord[] {
    return this.db.all<LabelRow>(`SELECT * FROM prompt_labels WHERE name = $1 ORDER BY label COLLATE "C"`, [name]).map(fromLabelRow);
  }

  moveLabel(m: LabelMove, expected: number | null | undefined): boolean {
    return this.db.transaction((tx) => {
      lockName(tx, m.name);
      const current = tx.get<{ version: number }>("SELECT version FROM prompt_labels WHERE name = $1 AND label = $2", [m.name, m.label])?.version ?? null;
      if (expected !== undefined && current !== expected) return false;
      if (m.to === null) tx.run("DELETE FROM prompt_labels WHERE name = $1 AND label = $2", [m.name, m.label]);
      else {
        tx.run(
          `INSERT INTO prompt_labels (name, label, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (name, label) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          [m.name, m.label, m.to, m.at, m.actor],
        );
      }
      tx.run(
        "INSERT INTO prompt_label_moves (name, label, from_version, to_version, kind, at, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [m.name, m.label, current, m.to, m.kind, m.at, m.actor, m.reason],
      );
      return true;
    });
  }

  labelMoves(name: string, label: string, limit: number): LabelMove[] {
    return this.db
      .all<MoveRow>("SELECT * FROM prompt_label_moves WHERE name = $1 AND label = $2 ORDER BY id DESC LIMIT $3", [name, label, limit])
      .map((r) => ({ name: r.name, label: r.label, from: r.from_version, to: r.to_version, kind: r.kind, at: r.at, actor: r.actor, reason: r.reason }));
  }

  saveRollout(r: RolloutRecord): void {
    this.db.run(
      `INSERT INTO prompt_rollouts (id, name, label, from_version, to_version, steps, step_index, status, settings, started_at, step_started_at, ended_at, actor, reason, outcome)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (id) DO UPDATE SET step_index = excluded.step_index, status = excluded.status, step_started_at = excluded.step_started_at,
         ended_at = excluded.ended_at, outcome = excluded.outcome`,
      [
        r.id, r.name, r.label, r.fromVersion, r.toVersion, JSON.stringify(r.steps), r.stepIndex, r.status, JSON.stringify(r.settings), r.startedAt,
        r.stepStartedAt, r.endedAt, r.actor, r.reason, r.outcome === null || r.outcome === undefined ? null : JSON.stringify(r.outcome),
      ],
    );
  }

  rollouts(f: { name?: string; label?: string; status?: RolloutStatus; limit: number }): RolloutRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (f.name !== undefined) { args.push(f.name); where.push(`name = $${args.length}`); }
    if (f.label !== undefined) { args.push(f.label); where.push(`label = $${args.length}`); }
    if (f.status !== undefined) { args.push(f.status); where.push(`status = $${args.length}`); }
    args.push(f.limit);
    const sql = `SELECT * FROM prompt_rollouts ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY started_at DESC, id COLLATE "C" DESC LIMIT $${args.length}`;
    return this.db.all<RolloutRow>(sql, args).map((r) => ({
      id: r.id, name: r.name, label: r.label, fromVersion: r.from_version, toVersion: r.to_version, steps: JSON.parse(r.steps) as number[],
      stepIndex: r.step_index, status: r.status, settings: JSON.parse(r.settings) as RolloutRecord["settings"], startedAt: r.started_at,
      stepStartedAt: r.step_started_at, endedAt: r.ended_at, actor: r.actor, reason: r.reason, outcome: r.outcome === null ? null : JSON.parse(r.outcome),
    }));
  }

  atomically<T>(fn: () => T): T {
    return this.db.transaction(() => fn());
  }
}

/** Held to the end of the transaction: serialises writers of one prompt name across instances. */
function lockName(tx: PgSql, name: string): void {
  tx.get("SELECT pg_advisory_xact_lock(hashtext('keel.prompt'), hashtext($1))", [name]);
}

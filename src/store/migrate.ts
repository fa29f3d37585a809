import type { SqliteDb } from "./sqlite.js";

/**
 * One step of the schema. Each domain owns its list (`keys/key-migrations.ts`, …); `version` is
 * global across domains: databases record one number (`PRAGMA user_version`), so the numbers
 * released before the split (1–14) are kept, and several domains may share a version (migration 1
 * created keys, settings, credentials and traces at once). A new step takes the next free number.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The global order: one migration per version, ascending, each domain's SQL for that version
 * concatenated in the order the domains are given (so the order of statements is stable from run
 * to run). Throws when a domain's list is not ascending, repeats a version, or the versions leave
 * a gap: a database at a missing version could never be told what it lacks.
 */
export function composeMigrations(domains: readonly (readonly Migration[])[]): Migration[] {
  const byVersion = new Map<number, { names: string[]; sql: string[] }>();
  for (const list of domains) {
    let last = 0;
    for (const m of list) {
      if (!Number.isSafeInteger(m.version) || m.version <= last) throw new Error(`migration ${m.version} (${m.name}) is out of order in its domain's list`);
      last = m.version;
      let v = byVersion.get(m.version);
      if (!v) byVersion.set(m.version, (v = { names: [], sql: [] }));
      if (!v.names.includes(m.name)) v.names.push(m.name);
      v.sql.push(m.sql);
    }
  }
  const versions = [...byVersion.keys()].sort((a, b) => a - b);
  versions.forEach((v, i) => {
    if (v !== i + 1) throw new Error(`migration versions must run 1, 2, 3, … without gaps; ${i + 1} is missing`);
  });
  return versions.map((version) => {
    const v = byVersion.get(version)!;
    return { version, name: v.names.join("; "), sql: v.sql.join("\n") };
  });
}

/**
 * Brings `db` up to the last of `migrations`, each in its own transaction with its version, and
 * returns that version. A database newer than the list is refused: this code cannot know its schema.
 */
export function migrate(db: SqliteDb, migrations: readonly Migration[]): number {
  const current = db.pragma("user_version", { simple: true }) as number;
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  if (current > latest) {
    throw new Error(`database schema version ${current} is newer than this Keel (${latest}); upgrade Keel`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return latest;
}

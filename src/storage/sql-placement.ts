import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * Where SQL may live: store modules — a file whose name contains `store`, or anything under
 * `src/store/` (the SQLite primitives) or `src/storage/` (the backend's composition). Everything
 * else reaches data through a store interface, which is what lets another backend replace SQLite.
 */
export function isStoreModule(path: string): boolean {
  const parts = path.split(sep).join("/");
  const base = parts.slice(parts.lastIndexOf("/") + 1);
  return base.includes("store") || /(^|\/)src\/(store|storage)\//.test(parts);
}

/** A statement run on a database handle, or the driver imported: what counts as SQL outside a store. */
const SQL_CALL = /\b(?:db|database|conn|sqlite)\s*\.\s*(?:prepare|exec|pragma|transaction)\s*\(/;
const DRIVER = /from\s+["']better-sqlite3["']/;

/** The lines of `text` that run SQL on a handle or import the driver, 1-based. */
export function sqlLines(text: string): number[] {
  const out: number[] = [];
  text.split("\n").forEach((line, i) => {
    if (SQL_CALL.test(line) || DRIVER.test(line)) out.push(i + 1);
  });
  return out;
}

/** Every `file:line` under `root` (a repository's `src/`) that runs SQL outside a store module; tests excluded. */
export function sqlOutsideStores(root: string, repo: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) {
        const rel = relative(repo, p);
        if (isStoreModule(rel)) continue;
        for (const n of sqlLines(readFileSync(p, "utf8"))) out.push(`${rel}:${n}`);
      }
    }
  };
  walk(root);
  return out.sort();
}

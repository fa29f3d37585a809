import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HnswIndex } from "./hnsw-index.js";

/**
 * A store's HNSW graph saved under the data dir (`<data dir>/knowledge-index/<store id>.usearch`
 * and a `.json` beside it), so a restart loads it instead of rebuilding: at 100k chunks the load
 * is a file read, the build tens of seconds (bench/README.md). The stored chunks stay the record:
 * the file is used only when its key fingerprint, embedding model and dimensions equal the live
 * chunks' — a chunk added, removed or released since (by this instance before a crash, or by
 * another instance over the same PostgreSQL) means a rebuild, never a stale answer. BM25 is not
 * saved: it is rebuilt from the chunks' text, which the rebuild reads anyway.
 */
interface SavedMeta {
  version: 1;
  fingerprint: string;
  model: string;
  dimensions: number;
  /** The .usearch file's size when written: a file replaced or cut short does not match. */
  bytes: number;
}

export interface SavedIndexExpectation {
  fingerprint: string;
  model: string;
  dimensions: number;
}

// Store ids are `vs_` + hex; anything else is not turned into a path.
const SAFE_ID = /^[A-Za-z0-9_-]{1,100}$/;

const paths = (dir: string, storeId: string): { graph: string; meta: string } => ({ graph: join(dir, `${storeId}.usearch`), meta: join(dir, `${storeId}.json`) });

/** The saved index when it matches `expect`; null when there is none, it does not match, or it fails to load (`onError`). */
export function loadSavedIndex(dir: string, storeId: string, expect: SavedIndexExpectation, onError: (err: unknown) => void = () => {}): HnswIndex | null {
  if (!SAFE_ID.test(storeId)) return null;
  const p = paths(dir, storeId);
  if (!existsSync(p.meta) || !existsSync(p.graph)) return null;
  try {
    const meta = JSON.parse(readFileSync(p.meta, "utf8")) as SavedMeta;
    if (meta.version !== 1 || meta.fingerprint !== expect.fingerprint || meta.model !== expect.model || meta.dimensions !== expect.dimensions) return null;
    if (statSync(p.graph).size !== meta.bytes) return null;
    return HnswIndex.load(p.graph, expect.dimensions);
  } catch (err) {
    onError(err);
    return null;
  }
}

/** Writes the index and its meta through temporary files and renames, so a reader never sees half a file. */
export function saveIndex(dir: string, storeId: string, index: HnswIndex, fingerprint: string, model: string): void {
  if (!SAFE_ID.test(storeId)) return;
  mkdirSync(dir, { recursive: true });
  const p = paths(dir, storeId);
  // The old meta goes first: from then until the new one is renamed in there is no meta, and a
  // start in between rebuilds.
  rmSync(p.meta, { force: true });
  index.save(`${p.graph}.tmp`);
  const meta: SavedMeta = { version: 1, fingerprint, model, dimensions: index.dimensions, bytes: statSync(`${p.graph}.tmp`).size };
  writeFileSync(`${p.meta}.tmp`, JSON.stringify(meta));
  renameSync(`${p.graph}.tmp`, p.graph);
  renameSync(`${p.meta}.tmp`, p.meta);
}

export function deleteSavedIndex(dir: string, storeId: string): void {
  if (!SAFE_ID.test(storeId)) return;
  const p = paths(dir, storeId);
  rmSync(p.meta, { force: true });
  rmSync(p.graph, { force: true });
}

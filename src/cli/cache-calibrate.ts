import { readFileSync, statSync } from "node:fs";
import { calibrate, type Calibration, type LabelledScore } from "../cache/calibration.js";
import { compareRules, type RuleComparison } from "../cache/entry-thresholds.js";
import { getDefaultEmbedder, LOCAL_EMBEDDING_MODEL } from "../providers/embeddings/local-embedder.js";
import { dot } from "../providers/embeddings/vector.js";
import { seededRandom } from "../random/seeded-random.js";

const MAX_FILE_BYTES = 64 * 1024 * 1024;
const MAX_PAIRS = 200_000;
const MAX_TEXT = 16_000;
const BATCH = 64;

/**
 * `keel cache calibrate FILE`: embeds both sides of every labelled pair with the offline embedder,
 * then prints hit rate and false-hit rate per threshold and the threshold chosen for the target
 * (cache/calibration.ts). Runs locally: no server, no network.
 */
export async function calibrateCache(file: string, o: { targetFalseHitRate?: string; json?: boolean; perEntry?: boolean; auditShare?: string }): Promise<void> {
  const target = Number(o.targetFalseHitRate ?? "0.005");
  const auditShare = Number(o.auditShare ?? "1");
  if (!(auditShare > 0 && auditShare <= 1)) throw new Error(`cache calibrate: --audit-share must be a number in (0, 1], got ${JSON.stringify(o.auditShare)}`);
  if (!(target > 0 && target < 1)) throw new Error(`cache calibrate: --target-false-hit-rate must be a number between 0 and 1 (exclusive), got ${JSON.stringify(o.targetFalseHitRate)}`);
  const pairs = readPairs(file);
  const embedder = getDefaultEmbedder();
  const texts = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
  const vectors = new Map<string, Float32Array>();
  const t0 = performance.now();
  for (let i = 0; i < texts.length; i += BATCH) {
    const batch = texts.slice(i, i + BATCH);
    const out = await embedder.embed(batch);
    batch.forEach((t, j) => vectors.set(t, out[j]));
  }
  const embedMs = performance.now() - t0;
  await embedder.close();
  const scores: LabelledScore[] = pairs.map((p) => ({ similarity: dot(vectors.get(p.a)!, vectors.get(p.b)!), duplicate: p.duplicate }));
  const c = calibrate(scores, target);
  // Per-entry rule: the pairs replayed in file order, side a as the stored entry, side b as the lookup.
  const comparison = o.perEntry ? PER_ENTRY_THRESHOLDS.map((t) => compareRules(pairs.map((p, i) => ({ entry: p.a, similarity: scores[i].similarity, duplicate: p.duplicate })), t, auditShare, seededRandom(18))) : null;
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ embedder: LOCAL_EMBEDDING_MODEL, texts: texts.length, embed_ms: Math.round(embedMs), ...c, ...(comparison ? { per_entry: { audit_share: auditShare, comparison } } : {}) })}\n`);
    return;
  }
  process.stdout.write(render(c, texts.length, embedMs));
  if (comparison) process.stdout.write(renderComparison(comparison, auditShare, new Set(pairs.map((p) => p.a)).size));
}

const PER_ENTRY_THRESHOLDS = [0.8, 0.85, 0.9, 0.95, 0.97, 0.99];

function renderComparison(rows: readonly RuleComparison[], auditShare: number, entries: number): string {
  let s = `\nglobal threshold vs per-entry thresholds (pairs replayed in file order, side a as the entry: ${entries} distinct entries; ${pct(auditShare)} of false hits audited, each raising its entry above that similarity)\n`;
  s += "threshold  global hits  hit rate  false-hit rate  upper 95%  |  per-entry hits  hit rate  false-hit rate  upper 95%  audited\n";
  for (const r of rows) {
    const g = r.global;
    const p = r.perEntry;
    s += `${r.threshold.toFixed(2).padStart(9)}  ${String(g.hits).padStart(11)}  ${pct(g.hitRate).padStart(8)}  ${pct(g.falseHitRate).padStart(14)}  ${pct(g.falseHitUpper95).padStart(9)}  |  ${String(p.hits).padStart(14)}  ${pct(p.hitRate).padStart(8)}  ${pct(p.falseHitRate).padStart(14)}  ${pct(p.falseHitUpper95).padStart(9)}  ${String(p.audited).padStart(7)}\n`;
  }
  return s;
}

interface Pair {
  a: string;
  b: string;
  duplicate: boolean;
}

function readPairs(file: string): Pair[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new Error(`cache calibrate: cannot read ${file}`);
  }
  if (size > MAX_FILE_BYTES) throw new Error(`cache calibrate: ${file} is over ${MAX_FILE_BYTES / 1024 / 1024} MB`);
  const out: Pair[] = [];
  const lines = readFileSync(file, "utf8").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === "") continue;
    if (out.length >= MAX_PAIRS) throw new Error(`cache calibrate: more than ${MAX_PAIRS} pairs`);
    let r: { a?: unknown; b?: unknown; duplicate?: unknown };
    try {
      r = JSON.parse(line);
    } catch {
      throw new Error(`cache calibrate: line ${i + 1} is not JSON`);
    }
    for (const f of ["a", "b"] as const) {
      const v = r?.[f];
      if (typeof v !== "string" || v.trim() === "" || v.length > MAX_TEXT) throw new Error(`cache calibrate: line ${i + 1}: "${f}" must be a non-empty string of at most ${MAX_TEXT} characters`);
    }
    if (typeof r.duplicate !== "boolean") throw new Error(`cache calibrate: line ${i + 1}: "duplicate" must be true or false`);
    out.push({ a: r.a as string, b: r.b as string, duplicate: r.duplicate });
  }
  if (out.length === 0) throw new Error(`cache calibrate: ${file} holds no pairs`);
  if (!out.some((p) => p.duplicate) || !out.some((p) => !p.duplicate)) throw new Error("cache calibrate: the pairs need both duplicates and non-duplicates");
  return out;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

function render(c: Calibration, texts: number, embedMs: number): string {
  let s = `${c.pairs} pairs (${c.duplicates} duplicates), ${texts} texts embedded with ${LOCAL_EMBEDDING_MODEL} in ${(embedMs / 1000).toFixed(1)} s\n\n`;
  s += "threshold  hits  hit rate  false hits  false-hit rate  upper 95%\n";
  for (const p of c.curve) {
    if (Math.round(p.threshold * 100) % 5 !== 0 && p !== c.chosen) continue;
    s += `${p.threshold.toFixed(2).padStart(9)}  ${String(p.hits).padStart(4)}  ${pct(p.hitRate).padStart(8)}  ${String(p.falseHits).padStart(10)}  ${pct(p.falseHitRate).padStart(14)}  ${pct(p.falseHitUpper95).padStart(9)}${p === c.chosen ? "  ← chosen" : ""}\n`;
  }
  s += c.chosen
    ? `\nchosen threshold ${c.chosen.threshold.toFixed(2)}: hit rate ${pct(c.chosen.hitRate)}, false-hit rate ${pct(c.chosen.falseHitRate)} (95% upper bound ${pct(c.chosen.falseHitUpper95)} ≤ target ${pct(c.target)})\n`
    : `\nno threshold meets the target false-hit rate ${pct(c.target)} (upper 95% bound) on these pairs\n`;
  return s;
}

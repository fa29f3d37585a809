/**
 * Sentence embeddings (USE-lite, the offline embedder Keel ships) for every row of the held-out
 * experiment pool, in pool order, for `--embeds` of experiment-injection.ts and
 * compare-injection-models.ts:
 *
 *   npx tsx scripts/guard/embed-pool.ts /tmp/pool-embeds.json
 *
 * Experiment-only: the default detector does not embed (decision 0021, 0033).
 */
import { writeFileSync } from "node:fs";
import { LOCAL_MAX_INPUT_CHARS, loadUniversalSentenceEncoder } from "../../src/providers/embeddings/local-embedder.js";
import { loadPool } from "./experiment-injection.js";

const out = process.argv[2];
if (!out) throw new Error("usage: embed-pool.ts OUT.json");
const pool = loadPool();
const enc = await loadUniversalSentenceEncoder();
const vecs: number[][] = [];
const t0 = performance.now();
for (let i = 0; i < pool.length; i += 16) {
  const batch = pool.slice(i, i + 16).map((r) => r.text.slice(0, LOCAL_MAX_INPUT_CHARS) || " ");
  for (const v of await enc.embed(batch)) vecs.push(v.map((x) => Math.round(x * 1e5) / 1e5));
  if (i % 800 === 0) process.stderr.write(`${i}/${pool.length} [${Math.round((performance.now() - t0) / 1000)} s]\n`);
}
writeFileSync(out, JSON.stringify(vecs));
process.stderr.write(`${vecs.length} vectors in ${Math.round((performance.now() - t0) / 1000)} s → ${out}\n`);
enc.dispose?.();

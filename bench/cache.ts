/**
 * Response cache cost (issue 18): what the cache stage adds and what it holds. `npm run bench:cache`.
 * A measurement, not a test: it prints figures and exits 0.
 *
 * 1. In process, over 100k stored entries (a ~600-byte answer each): the key (canonical JSON +
 *    SHA-256 of a typical body), a lookup + decode on the memory and SQLite backends. Each figure
 *    is the mean of batches of 1,000 operations, reported as median and p99 of the batch means.
 * 2. End to end through a real Keel (SQLite cache, in-process simulator with no delays), one call
 *    in flight: a hit, a miss forced with `Cache-Control: no-cache` (goes to the simulator), and
 *    a bypass (`no-store`: the same path with no cache work), and a **direct cache read over HTTP**:
 *    a bare `node:http` server in the same process that parses the body, computes the same key,
 *    reads the entry from its own SQLite cache and writes the stored completion — what a cache
 *    with no gateway around it costs through the same client. The hit's added cost is reported
 *    over both: the in-process lookup (HTTP included) and the direct read over HTTP (Keel alone).
 * 3. Memory per 100k entries: the memory backend's byte estimate, the heap it really grew by, and
 *    the SQLite file's size.
 * 4. The semantic index over 100k 512-dimension vectors in one context (HNSW past 512 entries):
 *    nearest p50/p99, agreement with brute force, the cost of each add, and the brute-force scan it
 *    replaces; one offline embedding apart (a lookup is one embedding plus one nearest).
 *
 * Env: BENCH_CACHE_ENTRIES (default 100000), BENCH_CACHE_CALLS (HTTP calls per figure, default 2000),
 * BENCH_CACHE_ONLY=semantic (part 4 alone), BENCH_CACHE_ONLY=exact (parts 1–3, no semantic index).
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CACHE_MIGRATIONS } from "../src/cache/cache-migrations.js";
import { cacheKey } from "../src/cache/cache-key.js";
import { decodeAnswer, encodeAnswer, type CachedAnswer } from "../src/cache/cache-entry.js";
import { MemoryCacheBackend } from "../src/cache/memory-cache-backend.js";
import { SqliteCacheStore } from "../src/cache/sqlite-cache-store.js";
import { SemanticIndex } from "../src/cache/semantic-index.js";
import { cacheConfigSchema } from "../src/cache/cache-schema.js";
import { CacheService } from "../src/cache/cache-service.js";
import { ExactIndex } from "../src/knowledge/exact-index.js";
import { ClusteredSpace } from "../src/knowledge/random-vectors.js";
import { getDefaultEmbedder } from "../src/providers/embeddings/local-embedder.js";
import { openSqliteFile } from "../src/store/sqlite.js";
import { startTestKeel } from "../src/testing/keel-fixture.js";
import { machineInfo } from "./report.js";
import { round3, summarize } from "./stats.js";

const ENTRIES = Number(process.env.BENCH_CACHE_ENTRIES ?? 100_000);
const CALLS = Number(process.env.BENCH_CACHE_CALLS ?? 2000);
const BATCH = 1000;
const ONLY_SEMANTIC = process.env.BENCH_CACHE_ONLY === "semantic";
const ONLY_EXACT = process.env.BENCH_CACHE_ONLY === "exact";
const tags = { route: "sim", model: "sim/sim", scope: "key:key_bench", prompt: null };
const body = (i: number): Record<string, unknown> => ({
  model: "sim", temperature: 0, max_tokens: 64,
  messages: [{ role: "system", content: "You are a helpful assistant for an online shop. Be brief." }, { role: "user", content: `Question number ${i}: what are your opening hours on public holidays?` }],
});
const model = { name: "sim", provider: "sim", upstream: "sim" };
const answer = (i: number): CachedAnswer => ({
  completion: {
    id: `chatcmpl-${i}`, object: "chat.completion", created: 1, model: "sim",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: `We are open from nine to five on public holidays, except on the first of January (${i}). `.repeat(4) } }],
    usage: { prompt_tokens: 40, completion_tokens: 90, total_tokens: 130 },
  },
  tokensIn: 40, tokensOut: 90, costUsd: 0.0004,
});

function batched(ops: (i: number) => void, batches = 200): { median: number; p99: number } {
  const means: number[] = [];
  let i = 0;
  for (let b = 0; b < batches; b++) {
    const t0 = performance.now();
    for (let k = 0; k < BATCH; k++) ops(i++);
    means.push(((performance.now() - t0) / BATCH) * 1000);
  }
  const s = summarize(means);
  return { median: round3(s.p50), p99: round3(s.p99) };
}

function inProcess(keys: string[]): { median: number; p99: number } {
  // 1. In process.
  console.log("key (canonical JSON + SHA-256), µs/op:", JSON.stringify(batched((i) => cacheKey({ surface: "openai.chat_completions", model, body: body(i % ENTRIES), prompt: null, scope: tags.scope }), 100)));
  if (global.gc) global.gc();
  const heap0 = process.memoryUsage().heapUsed;
  const mem = new MemoryCacheBackend(16 * 1024 ** 3);
  for (let i = 0; i < ENTRIES; i++) mem.set({ key: keys[i], value: encodeAnswer(keys[i], answer(i)), createdAt: 0, expiresAt: 1e15, tags });
  if (global.gc) global.gc();
  const heapGrowth = process.memoryUsage().heapUsed - heap0;
  console.log("memory lookup + decode, µs/op:", JSON.stringify(batched((i) => { const e = mem.get(keys[(i * 7919) % ENTRIES], 1)!; decodeAnswer(e.key, e.value, 1 << 20); })));

  const dir = mkdtempSync(join(tmpdir(), "keel-bench-cache-"));
  const db = openSqliteFile(dir, "cache.db", CACHE_MIGRATIONS);
  const sqlite = new SqliteCacheStore(db);
  const fill = db.transaction(() => { for (let i = 0; i < ENTRIES; i++) sqlite.set({ key: keys[i], value: encodeAnswer(keys[i], answer(i)), createdAt: 0, expiresAt: 1e15, tags }); });
  fill();
  db.pragma("wal_checkpoint(TRUNCATE)");
  const sqliteBytes = statSync(join(dir, "cache.db")).size;
  const sqliteRead = batched((i) => { const e = sqlite.get(keys[(i * 7919) % ENTRIES], 1)!; decodeAnswer(e.key, e.value, 1 << 20); });
  console.log("sqlite lookup + decode, µs/op:", JSON.stringify(sqliteRead));
  console.log("memory per entries:", JSON.stringify({ entries: ENTRIES, memory_backend_estimate_mb: round3(mem.heldBytes() / 2 ** 20), heap_growth_mb: round3(heapGrowth / 2 ** 20), gc_exposed: Boolean(global.gc), sqlite_file_mb: round3(sqliteBytes / 2 ** 20) }));
  sqlite.close();
  mem.close();
  rmSync(dir, { recursive: true, force: true });
  return sqliteRead;
}

async function main(): Promise<void> {
  console.log(JSON.stringify({ machine: machineInfo(), entries: ENTRIES, calls: CALLS }));
  const keys = Array.from({ length: ENTRIES }, (_, i) => cacheKey({ surface: "openai.chat_completions", model, body: body(i), prompt: null, scope: tags.scope }));

  const sqliteRead = ONLY_SEMANTIC ? null : inProcess(keys);

  // 4. The semantic index at ENTRIES vectors in one context (the worst case: every entry shares
  // one context, so it is searched through HNSW; a context under SEMANTIC_ANN_FROM is brute force).
  // Embedding-like vectors (ClusteredSpace: fitted to USE-lite's effective dimension); queries are
  // fresh draws from the same topics. Entries are added one at a time, as answers are stored.
  // Brute force over the same vectors (ExactIndex) is the reference for agreement and the "no
  // index" cost. One offline embedding (the rest of a semantic lookup's cost) is reported apart.
  if (!ONLY_EXACT) await semanticPart(keys);
  if (!sqliteRead) return;
  await endToEnd(sqliteRead, keys);
}

async function semanticPart(keys: string[]): Promise<void> {
  console.log(`uptime: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
  const D = 512;
  const space = new ClusteredSpace(D, 42);
  const vecs = space.sample(ENTRIES, 1);
  const queries = space.sample(1000, 11);
  const idx = new SemanticIndex(ENTRIES, ENTRIES);
  const adds: number[] = [];
  const tBuild = performance.now();
  for (let e = 0; e < ENTRIES; e++) {
    const t0 = performance.now();
    idx.add("ctx", keys[e], vecs[e]);
    adds.push(performance.now() - t0);
  }
  const buildMs = performance.now() - tBuild;
  const exact = new ExactIndex(D, ENTRIES);
  vecs.forEach((v, e) => exact.add(e, v));
  const looks: number[] = [];
  const scans: number[] = [];
  let agree = 0;
  // The fill's garbage collected first, and a warm-up, so the lookups are timed alone.
  global.gc?.();
  for (const q of queries.slice(0, 50)) idx.nearest("ctx", q);
  // CPU time of each lookup beside its wall time: on a shared machine the wall-clock tail is
  // mostly this process being descheduled, which CPU time does not count. The lookup runs on this
  // thread; process.cpuUsage also counts other threads (GC helpers), so it is an upper bound.
  const lookCpu: number[] = [];
  for (const [r, q] of queries.entries()) {
    const c0 = process.cpuUsage();
    let t0 = performance.now();
    const m = idx.nearest("ctx", q);
    looks.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    lookCpu.push((c.user + c.system) / 1000);
    t0 = performance.now();
    const [truth] = exact.search(q, 1);
    if (r < 30) scans.push(performance.now() - t0);
    if (m?.key === keys[truth.key]) agree++;
  }
  const fig = (xs: number[]) => { const s = summarize(xs); return { p50: round3(s.p50), p99: round3(s.p99) }; };
  const add = fig(adds);
  console.log("semantic index, one context:", JSON.stringify({ vectors: ENTRIES, on_hnsw: idx.annContexts === 1, nearest_ms: fig(looks), nearest_cpu_ms: fig(lookCpu), agrees_with_brute_force: round3(agree / queries.length), add_ms: { ...add, max: round3(Math.max(...adds)) }, fill_s: round3(buildMs / 1000) }));
  console.log("brute-force scan of the same vectors (ExactIndex, 30 queries), ms:", JSON.stringify({ ...fig(scans), vector_mb: round3((ENTRIES * D * 4) / 2 ** 20) }));

  // 4c. The refill at start: the same entries with their vectors in a SQLite cache file, read
  // back and built (batches of 2,048 on HNSW) by a new service, as a restart does.
  const rdir = mkdtempSync(join(tmpdir(), "keel-bench-cache-restore-"));
  const rdb = openSqliteFile(rdir, "cache.db", CACHE_MIGRATIONS);
  const semantic = () => ({ index: new SemanticIndex(ENTRIES, ENTRIES), model: "use-lite", dimensions: D, maxChars: 1000, embed: () => Promise.reject(new Error("unused")) });
  const cfg = cacheConfigSchema.parse({ enabled: true, backend: "sqlite", semantic: { enabled: true, max_entries: ENTRIES, max_entries_per_context: ENTRIES } });
  const writer = new CacheService(new SqliteCacheStore(rdb), cfg, () => {}, semantic());
  const small = answer(0);
  rdb.transaction(() => { for (let e = 0; e < ENTRIES; e++) void writer.store(keys[e], tags, small, 3600, 1 << 20, 1000 + e, { context: "ctx", vector: vecs[e] }); })();
  const reader = new CacheService(new SqliteCacheStore(rdb), cfg, () => {}, semantic());
  const tRestore = performance.now();
  const restored = await reader.restoreSemantic(2000);
  const restoreMs = performance.now() - tRestore;
  let agreeRestored = 0;
  for (const q of queries.slice(0, 200)) if (reader.semantic!.index.nearest("ctx", q)?.key === idx.nearest("ctx", q)?.key) agreeRestored++;
  console.log("semantic index refilled from SQLite at start:", JSON.stringify({ vectors: restored, restore_s: round3(restoreMs / 1000), same_nearest_as_filled_index: round3(agreeRestored / 200) }));
  rdb.close();
  rmSync(rdir, { recursive: true, force: true });
  const embedder = getDefaultEmbedder();
  await embedder.warm();
  const embeds: number[] = [];
  for (let r = 0; r < 50; r++) {
    const t0 = performance.now();
    await embedder.embed([`How do I reset my password, attempt ${r}?`]);
    embeds.push(performance.now() - t0);
  }
  console.log("one offline embedding (USE-lite, warm), ms:", JSON.stringify(fig(embeds)));
  console.log(`uptime: ${loadavg().map((l) => l.toFixed(2)).join(", ")}`);
}

async function endToEnd(sqliteRead: { median: number }, keys: string[]): Promise<void> {
  // 2. End to end.
  const keel = await startTestKeel({ cache: { enabled: true } });
  // The same Keel without the guard's memo of screened texts (decision 0038): a hit then screens
  // its request and its stored answer again, as every hit did before the memo.
  const noMemo = await startTestKeel({ cache: { enabled: true }, guard: { memo: { max_chars: 0 } } });
  const direct = await directCacheServer(keys[1]);
  try {
    const call = async (headers: Record<string, string>, base = keel.url, key = keel.key): Promise<number> => {
      const t0 = performance.now();
      const res = await fetch(`${base}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers }, body: JSON.stringify(body(1)) });
      await res.arrayBuffer();
      return performance.now() - t0;
    };
    await call({});
    await call({}, noMemo.url, noMemo.key);
    await new Promise((r) => setTimeout(r, 200));
    const runs: Record<string, number[]> = { hit: [], hitNoMemo: [], miss: [], bypass: [], direct: [] };
    // Interleaved, so drift on a shared machine hits all five alike.
    for (let i = 0; i < CALLS + 200; i++) {
      const h = await call({});
      const n = await call({}, noMemo.url, noMemo.key);
      const m = await call({ "cache-control": "no-cache" });
      const b = await call({ "cache-control": "no-store" });
      const d = await call({}, direct.url);
      if (i >= 200) { runs.hit.push(h); runs.hitNoMemo.push(n); runs.miss.push(m); runs.bypass.push(b); runs.direct.push(d); }
    }
    const fig = (xs: number[]) => { const s = summarize(xs); return { p50: round3(s.p50), p99: round3(s.p99) }; };
    const hit = fig(runs.hit);
    const hitNoMemo = fig(runs.hitNoMemo);
    const dir = fig(runs.direct);
    console.log("HTTP, ms (one in flight):", JSON.stringify({ keel_hit: hit, keel_hit_guard_memo_off: hitNoMemo, keel_miss_no_cache: fig(runs.miss), keel_bypass_no_store: fig(runs.bypass), direct_cache_read_over_http: dir }));
    console.log("hit p50 over the in-process SQLite read, ms:", round3(hit.p50 - sqliteRead.median / 1000));
    console.log("hit p50 over the direct cache read over HTTP (what Keel adds), ms:", round3(hit.p50 - dir.p50));
    console.log("  the same with guard.memo off, ms:", round3(hitNoMemo.p50 - dir.p50));
  } finally {
    await keel.close();
    await noMemo.close();
    await new Promise((r) => direct.server.close(r));
    direct.cleanup();
  }
}

/**
 * The baseline "direct cache read": a bare HTTP server holding one entry in its own SQLite cache.
 * Per request it does what any cache in front of a model must: read and parse the body, compute the
 * canonical key, read and decode the entry, write the stored completion. No auth, guard, limits or trace.
 */
async function directCacheServer(key: string): Promise<{ url: string; server: Server; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "keel-bench-cache-direct-"));
  const db = openSqliteFile(dir, "cache.db", CACHE_MIGRATIONS);
  const store = new SqliteCacheStore(db);
  store.set({ key, value: encodeAnswer(key, answer(1)), createdAt: 0, expiresAt: 1e15, tags });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
      const k = cacheKey({ surface: "openai.chat_completions", model, body: parsed, prompt: null, scope: tags.scope });
      const e = store.get(k, Date.now());
      const d = e ? decodeAnswer(e.key, e.value, 1 << 20) : null;
      const out = d?.ok ? JSON.stringify(d.answer.completion) : "{}";
      res.writeHead(d?.ok ? 200 : 404, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
      res.end(out);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, server, cleanup: () => { store.close(); rmSync(dir, { recursive: true, force: true }); } };
}

await main();

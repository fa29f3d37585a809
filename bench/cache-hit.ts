/**
 * The exact-hit path alone (issue 18): one call in flight, 2,000 hits through a real Keel (SQLite
 * cache, in-process simulator) interleaved with 2,000 bypasses (`no-store`, to the simulator), so
 * a profile holds the hit path and little else; bench/cache.ts has the direct-read figures.
 * For profiling: `node --cpu-prof --cpu-prof-dir=/tmp/keel-prof --import tsx bench/cache-hit.ts`,
 * then `node scripts/cpu-profile-top.mjs /tmp/keel-prof/*.cpuprofile`. A measurement: prints, exits 0.
 *
 * Env: BENCH_CACHE_CALLS (hits measured, default 2000).
 */
import { startTestKeel } from "../src/testing/keel-fixture.js";
import { machineInfo } from "./report.js";
import { round3, summarize } from "./stats.js";

const CALLS = Number(process.env.BENCH_CACHE_CALLS ?? 2000);
const body = JSON.stringify({
  model: "sim", temperature: 0, max_tokens: 64,
  messages: [{ role: "system", content: "You are a helpful assistant for an online shop. Be brief." }, { role: "user", content: "What are your opening hours on public holidays?" }],
});

async function main(): Promise<void> {
  console.log(JSON.stringify({ machine: machineInfo(), calls: CALLS }));
  const keel = await startTestKeel({ cache: { enabled: true } });
  try {
    const headers = { authorization: `Bearer ${keel.key}`, "content-type": "application/json" };
    const call = async (extra: Record<string, string> = {}): Promise<{ ms: number; cache: string | null }> => {
      const t0 = performance.now();
      const res = await fetch(`${keel.url}/v1/chat/completions`, { method: "POST", headers: { ...headers, ...extra }, body });
      await res.arrayBuffer();
      return { ms: performance.now() - t0, cache: res.headers.get("x-keel-cache") };
    };
    await call();
    await new Promise((r) => setTimeout(r, 200));
    const hits: number[] = [];
    const bypasses: number[] = [];
    for (let i = 0; i < CALLS + 200; i++) {
      const h = await call({});
      if (h.cache !== "hit") throw new Error(`expected a hit, got ${h.cache}`);
      const b = await call({ "cache-control": "no-store" });
      if (i >= 200) {
        hits.push(h.ms);
        bypasses.push(b.ms);
      }
    }
    const fig = (xs: number[]) => { const s = summarize(xs); return { p50: round3(s.p50), p99: round3(s.p99) }; };
    const hit = fig(hits);
    const bypass = fig(bypasses);
    console.log("HTTP through Keel, ms:", JSON.stringify({ hit, bypass_no_store: bypass, hit_over_bypass_p50: round3(hit.p50 / bypass.p50) }));
  } finally {
    await keel.close();
  }
}

await main();

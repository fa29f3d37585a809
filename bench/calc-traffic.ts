/**
 * How long `POST /api/v1/calc/decode {"from": "traces"}` takes over N stored calls (default
 * 20 000, the read's bound): the trace listing in the read worker, page by page, plus the
 * arithmetic. Prints figures; asserts nothing. `node --import tsx bench/calc-traffic.ts 20000`
 */
import { sampleTrace } from "../src/observe/sample-trace.js";
import { startTestKeel } from "../src/testing/keel-fixture.js";

const n = Number(process.argv[2] ?? 20_000);
const keel = await startTestKeel();
try {
  const now = Date.now();
  for (let i = 0; i < n; i++) keel.app.traces.record(sampleTrace(i, { startedAt: now - 3_600_000 + i, endedAt: now - 3_600_000 + i + 50, endpoint: "chat", status: "ok", tokensIn: 100 + (i % 900), tokensOut: 20 + (i % 300) }));
  await keel.app.traces.flush();
  const runs: number[] = [];
  let calls = 0;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const res = await keel.admin("POST", "/api/v1/calc/decode", { model: "llama-3.1-8b", batch: 8, from: "traces", compare_precision: "fp8" });
    runs.push(performance.now() - t0);
    calls = res.json.traffic.stats.calls;
  }
  runs.sort((a, b) => a - b);
  console.log(`calc decode from traces: ${calls} calls read, median ${runs[2].toFixed(0)} ms (min ${runs[0].toFixed(0)}, max ${runs[4].toFixed(0)}) over 5 runs`);
} finally {
  await keel.close();
}

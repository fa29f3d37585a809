import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { startSimServer } from "../providers/sim/server.js";
import { simOptionsSchema } from "../providers/sim/options.js";
import { startTestKeel } from "../testing/keel-fixture.js";
import { until } from "../testing/until.js";

// A vLLM page whose engine has 12 running and 50 waiting: busy with other clients' work.
const busyPage = readFileSync(new URL("./testdata/vllm.prom", import.meta.url), "utf8")
  .replace(/(vllm:num_requests_waiting\{[^}]*\}) 3\.0/, "$1 50.0");

test("end to end: least-busy sends new calls away from the engine that reports a long queue, and falls back to Keel's count once its figures go stale", async () => {
  assert.match(busyPage, /num_requests_waiting\{[^}]*\} 50\.0/);
  const sim = simOptionsSchema.parse({ kind: "sim", models: ["sim-1"] });
  const simA = await startSimServer({ port: 0, host: "127.0.0.1", sim });
  const simB = await startSimServer({ port: 0, host: "127.0.0.1", sim });
  const stub = createServer((_req, res) => res.writeHead(200, { "content-type": "text/plain" }).end(busyPage));
  await new Promise<void>((r) => stub.listen(0, "127.0.0.1", r));
  const stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}/metrics`;
  const keel = await startTestKeel({
    providers: [
      { name: "busy", kind: "openai", base_url: `${simA.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
      { name: "idle", kind: "openai", base_url: `${simB.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
    ],
    routes: [{
      name: "llama", strategy: "least-busy", targets: [
        { provider: "busy", model: "sim-1", engine: { kind: "vllm", metrics_url: stubUrl, interval_ms: 2000, timeout_ms: 1500 } },
        { provider: "idle", model: "sim-1", engine: { kind: "vllm", metrics_url: `${simB.url}/metrics`, interval_ms: 2000, timeout_ms: 1500 } },
      ],
    }],
  });
  let stubOpen = true;
  try {
    const call = async (i: number): Promise<string> => {
      const r = await fetch(`${keel.url}/v1/chat/completions`, {
        method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "llama", messages: [{ role: "user", content: `question ${i}` }], max_tokens: 4 }),
      });
      assert.equal(r.status, 200, await r.text());
      return r.headers.get("x-keel-target") ?? "";
    };
    type T = { id: string; engine: { stale: boolean } | null };
    const fresh = async (): Promise<boolean> => {
      const data = (await keel.admin("GET", "/api/v1/targets")).json.data as T[];
      return data.length === 2 && data.every((t) => t.engine !== null && !t.engine.stale);
    };
    // Intervals of 2 s (stale after 6 s without a good scrape) and generous timeouts: on a loaded
    // CI machine a 1 s interval once let both figures go stale mid-test, and a coin toss decided.
    await until(fresh, "both engines scraped", 15_000);
    // Keel's own in-flight counts are 0 and 0 for sequential calls, a coin toss each time; the
    // engines' queues (62 vs ~0) send every call to the idle one.
    const served: string[] = [];
    for (let i = 0; i < 12; i++) served.push(await call(i));
    assert.deepEqual([...new Set(served)], ["idle/sim-1"]);

    // The busy engine's page goes away: after three intervals its figures are stale and never
    // decide — Keel's count (0 and 0) ties, so calls reach both targets again.
    stub.closeAllConnections();
    await new Promise<void>((r) => stub.close(() => r()));
    stubOpen = false;
    await until(async () => {
      const data = (await keel.admin("GET", "/api/v1/targets")).json.data as T[];
      return data.find((t) => t.id === "busy/sim-1")?.engine?.stale === true;
    }, "the busy engine's figures gone stale", 20_000);
    const after: string[] = [];
    for (let i = 0; i < 24; i++) after.push(await call(100 + i));
    assert.ok(after.includes("busy/sim-1"), `stale figures still steered every call: ${after.join(",")}`);
  } finally {
    await keel.close();
    await simA.close();
    await simB.close();
    if (stubOpen) stub.close();
  }
});

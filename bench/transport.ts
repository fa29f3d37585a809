/**
 * The providers' upstream transport on its own: sequential `HttpTransport.json()` calls to a local
 * HTTP server answering a small chat completion, in µs per call — the cost the gateway's provider
 * call adds before the network. With BENCH_BASELINE_ROOT (a checkout of another commit, its
 * node_modules linked) the same rounds alternate between that commit's transport and this one, so
 * machine noise hits both alike and the figure that matters is the ratio:
 *
 *   git worktree add /tmp/keel-base <commit> && ln -s "$PWD/node_modules" /tmp/keel-base/
 *   BENCH_BASELINE_ROOT=/tmp/keel-base node --import tsx bench/transport.ts
 *
 * Env: BENCH_CALLS (per round and side, default 2000), BENCH_ROUNDS (default 6). Prints; exits 0.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { HttpTransport } from "../src/providers/http-transport.js";

interface Json {
  json(req: { method: "POST"; path: string; headers: readonly string[]; body: string }): Promise<unknown>;
  close(): Promise<void>;
}
type TransportClass = new (o: { provider: string; baseUrl: string; connections: number; timeoutMs: number; secrets: string[] }) => Json;

const CALLS = Number(process.env.BENCH_CALLS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const ANSWER = JSON.stringify({ id: "chatcmpl-1", object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "hello world" }, finish_reason: "stop" }], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 } });
const REQ = { method: "POST" as const, path: "/chat/completions", headers: ["content-type", "application/json", "authorization", "Bearer sk-bench-0123456789"], body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }) };

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(ANSWER));
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;

const sides: { name: string; t: Json; us: number[] }[] = [];
const make = (C: TransportClass): Json => new C({ provider: "bench", baseUrl, connections: 8, timeoutMs: 60_000, secrets: ["sk-bench-0123456789"] });
const baseRoot = process.env.BENCH_BASELINE_ROOT;
if (baseRoot) {
  const mod = (await import(pathToFileURL(join(baseRoot, "src/providers/http-transport.ts")).href)) as { HttpTransport: TransportClass };
  sides.push({ name: "baseline", t: make(mod.HttpTransport), us: [] });
}
sides.push({ name: "this", t: make(HttpTransport as unknown as TransportClass), us: [] });

for (const s of sides) for (let i = 0; i < 300; i++) await s.t.json(REQ); // warm pools and JIT
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 ? [...sides].reverse() : sides;
  for (const s of order) {
    const t0 = performance.now();
    for (let i = 0; i < CALLS; i++) await s.t.json(REQ);
    s.us.push(((performance.now() - t0) * 1000) / CALLS);
  }
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const s of sides) console.log(`${s.name.padEnd(8)} ${median(s.us).toFixed(1)} µs per sequential call (median of ${ROUNDS} rounds × ${CALLS}); rounds: ${s.us.map((x) => x.toFixed(0)).join(" ")}`);
if (sides.length === 2) console.log(`ratio this/baseline: ${(median(sides[1].us) / median(sides[0].us)).toFixed(3)}`);
for (const s of sides) await s.t.close();
server.close();

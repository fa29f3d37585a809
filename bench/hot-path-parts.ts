/**
 * Three pieces of a chat call's path, baseline build against this one, in one process, alternating
 * (issue 13 §5, decision 0039): trace capture of the bench's request and answer (`captureBody`,
 * secrets masked), packing a trace row's four JSON columns as the writer thread does (`packJson`)
 * and the upstream call for a JSON answer (`HttpTransport.json` against a local
 * server in a child process, c=50, each call with its own AbortSignal as in Keel). CPU of this process per operation; the transport figure
 * includes undici and the socket writes, the server's work is in the child.
 *
 *   BENCH_BASELINE_ROOT=/tmp/keel-base node --import tsx bench/hot-path-parts.ts
 *
 * Both builds' dist/ must exist. Medians of 9 alternating rounds (one warm-up round first).
 */
import { fork } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./stack.js";

type PackJson = (text: string) => unknown;
type CaptureBody = (value: unknown, policy: "redacted", maxChars: number, conceal?: undefined, sentText?: string) => string | null;
interface Transport {
  json(req: { method: "POST"; path: string; headers: string[]; body: string; signal: AbortSignal }): Promise<{ body: unknown }>;
  close(): Promise<void>;
}
type TransportCtor = new (o: { provider: string; baseUrl: string; connections: number; timeoutMs: number }) => Transport;

const REQUEST = {
  model: "sim-model",
  messages: [
    { role: "system", content: "You are a concise assistant for an online bookshop. Answer in one or two sentences." },
    { role: "user", content: "Do you ship paperbacks to Canada, and how long does delivery usually take?" },
  ],
  max_tokens: 16,
  temperature: 0.2,
};
const ANSWER = {
  id: "chatcmpl-0123456789abcdef", object: "chat.completion", created: 1765000000, model: "sim-model", system_fingerprint: "fp_sim",
  choices: [{ index: 0, message: { role: "assistant", content: "Yes, we ship paperbacks to Canada; delivery usually takes five to eight business days." }, finish_reason: "length", logprobs: null }],
  usage: { prompt_tokens: 41, completion_tokens: 16, total_tokens: 57 },
};

const SERVER = `
import { createServer } from "node:http";
const body = ${JSON.stringify(JSON.stringify(ANSWER))};
createServer((req, res) => { req.resume(); req.on("end", () => { res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }); res.end(body); }); })
  .listen(0, "127.0.0.1", function () { process.send(this.address().port); });
`;

const cpuUs = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function load<T>(root: string, file: string, name: string): Promise<T> {
  const path = join(root, "dist", file);
  if (!existsSync(path)) throw new Error(`${path} missing: build that checkout first`);
  return ((await import(pathToFileURL(path).href)) as Record<string, T>)[name];
}

async function main(): Promise<void> {
  const baseRoot = process.env.BENCH_BASELINE_ROOT;
  if (!baseRoot) throw new Error("BENCH_BASELINE_ROOT: a checkout with dist/ built");
  const sides = [
    { name: "before", root: baseRoot },
    { name: "after", root: ROOT },
  ];
  const capture = await Promise.all(sides.map((s) => load<CaptureBody>(s.root, "observe/capture.js", "captureBody")));
  const pack = await Promise.all(sides.map((s) => load<PackJson>(s.root, "observe/packed-json.js", "packJson")));
  const transports = await Promise.all(sides.map((s) => load<TransportCtor>(s.root, "providers/http-transport.js", "HttpTransport")));

  // Trace capture: what finalisation does for one call (the after side gets the answer's text as sent).
  const sent = JSON.stringify(ANSWER);
  const captureOnce = [
    () => { capture[0](REQUEST, "redacted", 16_384); capture[0](ANSWER, "redacted", 16_384); },
    () => { capture[1](REQUEST, "redacted", 16_384); capture[1](ANSWER, "redacted", 16_384, undefined, sent); },
  ];
  if (capture[1](ANSWER, "redacted", 16_384, undefined, sent) !== capture[0](ANSWER, "redacted", 16_384)) throw new Error("the two builds capture the answer differently");
  if (capture[1](REQUEST, "redacted", 16_384) !== capture[0](REQUEST, "redacted", 16_384)) throw new Error("the two builds capture the request differently");
  const N = 100_000;
  const cap: number[][] = [[], []];
  for (let r = 0; r < 10; r++) {
    for (let k = 0; k < 2; k++) {
      const t0 = cpuUs();
      for (let i = 0; i < N; i++) captureOnce[k]();
      if (r > 0) cap[k].push((cpuUs() - t0) / N);
    }
  }

  // A trace row's packed columns: request and response bodies, attempts, guard verdicts.
  const columns = [
    JSON.stringify(REQUEST),
    sent,
    JSON.stringify([{ target: "sim/sim-model", provider: "sim", model: "sim-model", startMs: 0.412, waitMs: 0, durationMs: 1.234, ttftMs: 1.2, outcome: "ok", errorCode: null, upstreamStatus: null, error: null }]),
    JSON.stringify(["prompt_injection", "secrets", "pii", "toxicity", "invisible_text", "system_prompt_leak", "size_limit"].map((scanner, i) => ({ scanner, source: i % 2 ? "output" : "user", score: 0, triggered: false, action: "log", latency_ms: 0.012 }))),
  ];
  const packed: number[][] = [[], []];
  const packedBytes = [0, 0];
  for (let k = 0; k < 2; k++) for (const c of columns) { const v = pack[k](c); packedBytes[k] += typeof v === "string" ? Buffer.byteLength(v) : (v as Buffer).length; }
  const P = 10_000;
  for (let r = 0; r < 10; r++) {
    for (let k = 0; k < 2; k++) {
      const t0 = cpuUs();
      for (let i = 0; i < P; i++) for (const c of columns) pack[k](c);
      if (r > 0) packed[k].push((cpuUs() - t0) / P);
    }
  }

  // The upstream call for a JSON answer.
  const dir = mkdtempSync(join(tmpdir(), "keel-parts-"));
  const serverFile = join(dir, "server.mjs");
  writeFileSync(serverFile, SERVER);
  const child = fork(serverFile, { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const json: number[][] = [[], []];
  try {
    const port = await new Promise<number>((resolve) => child.once("message", (m) => resolve(m as number)));
    const ts = transports.map((T) => new T({ provider: "parts", baseUrl: `http://127.0.0.1:${port}/v1`, connections: 50, timeoutMs: 10_000 }));
    const req = { method: "POST" as const, path: "/chat/completions", headers: ["content-type", "application/json", "x-request-id", "req_0123456789abcdef"], body: JSON.stringify(REQUEST) };
    const calls = 10_000;
    const runOne = async (t: Transport): Promise<number> => {
      let i = 0;
      const t0 = cpuUs();
      await Promise.all(Array.from({ length: 50 }, async () => {
        // as in Keel: every call carries its request's own signal
        while (i++ < calls) await t.json({ ...req, signal: new AbortController().signal });
      }));
      return (cpuUs() - t0) / calls;
    };
    for (let r = 0; r < 10; r++) {
      for (let k = 0; k < 2; k++) {
        const us = await runOne(ts[k]);
        if (r > 0) json[k].push(us);
      }
    }
    await Promise.all(ts.map((t) => t.close()));
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }

  const row = (label: string, xs: number[][]): string =>
    `${label.padEnd(44)}${median(xs[0]).toFixed(2).padStart(8)}${median(xs[1]).toFixed(2).padStart(8)}${(median(xs[1]) / median(xs[0])).toFixed(2).padStart(14)}`;
  process.stdout.write(
    [
      `${"µs of CPU per operation (median of 9)".padEnd(44)}  before   after  after/before`,
      row("trace capture, request + answer", cap),
      row("packJson, a row's 4 JSON columns", packed),
      `${"  packed bytes of those 4 columns".padEnd(44)}${String(packedBytes[0]).padStart(8)}${String(packedBytes[1]).padStart(8)}`,
      row("HttpTransport.json(), c=50 (client side)", json),
      `(baseline ${baseRoot})`,
    ].join("\n") + "\n",
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench/hot-path-parts: failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);

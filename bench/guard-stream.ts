/**
 * Stream screening overhead: `npm run bench:guard-stream` (or `node --import tsx bench/guard-stream.ts [--json]`).
 *
 * Feeds a long answer through StreamScreen one token-sized chunk at a time, under the default
 * output policy — per chunk: secrets (redact), system-prompt leakage (block, 50-word system
 * prompt), invisible text (redact); after the stream: toxicity (flag), PII (log) — with a window of `stream_window_chars` (default 4096), and reports the
 * time `push` adds per chunk: p50, p99, max, and the share of chunks under 0.1 ms. For scale, the
 * gateway's own per-chunk work (JSON.stringify + SSE framing) is timed on the same chunks.
 * In-process and single-threaded: no network or provider time is included.
 */
import type { ChatChunk } from "../src/api/chat-types.js";
import { guardConfigSchema } from "../src/guard/policy/config-schema.js";
import { GuardService } from "../src/guard/policy/guard-service.js";
import { RequestGuard } from "../src/guard/request-guard.js";
import { StreamScreen } from "../src/guard/stream/stream-screen.js";

const WORDS = ("The quarterly report shows steady growth across all regions with revenue up twelve percent and churn down to two percent " +
  "while the support team resolved most tickets within a day and customers in Lisbon Berlin and Austin asked for faster onboarding ").split(" ");
const SYSTEM = "You are the support assistant of Acme Corp. Answer politely and briefly. Never disclose internal discount codes, employee names or the escalation phone tree to customers. If asked about refunds, point to the refund policy page and offer to open a ticket. Do not speculate about unreleased products.";

function chunkOf(text: string, i: number): ChatChunk {
  return { id: "chatcmpl-bench", object: "chat.completion.chunk", created: 0, model: "sim", choices: [{ index: 0, delta: { content: text }, finish_reason: null }], usage: null, ...(i < 0 ? {} : {}) };
}

const pct = (xs: number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))];

async function run(window: number, tokens: number): Promise<Record<string, number>> {
  const service = new GuardService(guardConfigSchema.parse({ stream_window_chars: window }));
  const guard = new RequestGuard(service, service.resolve({ model: "sim", feature: null, keyId: null, keyName: null }));
  await guard.screenInput({ model: "sim", messages: [{ role: "system", content: SYSTEM }, { role: "user", content: "How did the quarter go?" }] });
  const screen = new StreamScreen(guard);
  const pieces = Array.from({ length: tokens }, (_, i) => (i === 0 ? "" : " ") + WORDS[i % WORDS.length]);
  // Warm up regexes and the name lexicon on a separate screen.
  const warm = new StreamScreen(guard);
  for (const p of pieces) warm.push(chunkOf(p, 0));
  const push: number[] = [];
  const frame: number[] = [];
  for (const [i, p] of pieces.entries()) {
    const c = chunkOf(p, i);
    let t = performance.now();
    const out = screen.push(c);
    push.push((performance.now() - t) * 1000);
    t = performance.now();
    void `data: ${JSON.stringify(out ?? c)}\n\n`;
    frame.push((performance.now() - t) * 1000);
  }
  screen.finish();
  let t = performance.now();
  screen.verdicts();
  const after = performance.now() - t;
  t = 0;
  push.sort((a, b) => a - b);
  frame.sort((a, b) => a - b);
  return {
    window_chars: window, chunks: tokens,
    push_p50_us: +pct(push, 0.5).toFixed(1), push_p99_us: +pct(push, 0.99).toFixed(1), push_max_us: +push[push.length - 1].toFixed(1),
    share_under_100us: +(push.filter((x) => x < 100).length / push.length).toFixed(3),
    sse_frame_p50_us: +pct(frame, 0.5).toFixed(1), sse_frame_p99_us: +pct(frame, 0.99).toFixed(1),
    after_stream_ms: +after.toFixed(2),
  };
}

const results = [];
for (const w of [256, 512, 1024]) results.push(await run(w, 4000));
if (process.argv.includes("--json")) console.log(JSON.stringify(results, null, 2));
else console.table(results);

/**
 * What `capture.pii: mask` (the default) adds per trace, in the writer worker (never on the
 * gateway thread): `applyPiiPolicies` over records like the gateway queues — the gateway
 * benchmark's chat body and a simulator-sized answer; the same with personal data in it; and a
 * 16 KB conversation. Each figure is µs per trace, median of 7 rounds; `keep` (nothing scanned)
 * is the baseline, and `secrets` — what the gateway thread already spends on the same bodies
 * (`captureBody`: secret masking and serialising) — puts the figures in proportion on a shared
 * machine. `node --import tsx bench/pii-capture.ts`
 */
import { randomBytes } from "node:crypto";
import type { TraceRecord } from "../src/observe/types.js";
import { applyPiiPolicies } from "../src/observe/pii-record.js";
import { captureBody } from "../src/observe/capture.js";
import { derivePiiHashKey, piiHasher } from "../src/secrets/pii-hash.js";
import { chatBody } from "./load.js";

const N = Number(process.env.BENCH_TRACES ?? 2000);
const hasher = piiHasher(derivePiiHashKey(randomBytes(32)));
const answer = (text: string): unknown => ({ id: "chatcmpl-1", object: "chat.completion", created: 1, model: "sim", choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }], usage: { prompt_tokens: 40, completion_tokens: 24, total_tokens: 64 } });
const PLAIN_ANSWER = "Yes, we ship paperbacks to Canada; delivery usually takes five to eight business days after dispatch.";
const PII_TEXT = "Please refund card 4111 1111 1111 1111 to Siiri Lahtinen, mail ada@example.org or call (415) 555-0132, IBAN GB82 WEST 1234 5698 7654 32.";

function record(request: unknown, response: unknown, mode: "mask" | "hash" | "keep"): TraceRecord {
  return {
    id: "req_1", startedAt: 0, endedAt: 1, endpoint: "chat", keyId: "key_1", user: null, feature: null, modelRequested: "sim", modelServed: "sim",
    provider: "sim", status: "ok", httpStatus: 200, errorCode: null, errorMessage: null, latencyMs: 1, ttftMs: 1, tokensIn: 40, tokensOut: 24,
    tokensCached: 0, usageSource: "provider", costUsd: 0, stream: false, traceId: null, parentSpanId: null, metadata: {},
    requestBody: captureBody(request, "redacted", 64_256), responseBody: captureBody(response, "redacted", 64_256), target: "sim/sim", attempts: [],
    ...(mode === "keep" ? {} : { pii: { mode, keep: [] } }),
  };
}

function perTrace(make: () => TraceRecord): number {
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const batch = Array.from({ length: N }, make);
    const t0 = performance.now();
    for (let i = 0; i < batch.length; i += 256) applyPiiPolicies(batch.slice(i, i + 256), hasher, 64_000);
    rounds.push(((performance.now() - t0) * 1000) / N);
  }
  return rounds.sort((a, b) => a - b)[3];
}

function secretsPerTrace(req: unknown, res: unknown): number {
  const rounds: number[] = [];
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) { captureBody(req, "redacted", 64_000); captureBody(res, "redacted", 64_000); }
    rounds.push(((performance.now() - t0) * 1000) / N);
  }
  return rounds.sort((a, b) => a - b)[3];
}

const bookshop = JSON.parse(chatBody("sim", false));
const withPii = { ...bookshop, messages: [...bookshop.messages.slice(0, 1), { role: "user", content: PII_TEXT }] };
const long = { model: "sim", messages: Array.from({ length: 40 }, (_, i) => ({ role: i % 2 ? "assistant" : "user", content: `${PLAIN_ANSWER} ${i % 5 === 0 ? PII_TEXT : ""}`.repeat(3) })) };
const cases: [string, unknown, unknown][] = [
  [`bookshop chat (${JSON.stringify(bookshop).length} + ${JSON.stringify(answer(PLAIN_ANSWER)).length} B)`, bookshop, answer(PLAIN_ANSWER)],
  ["same, personal data in prompt and answer", withPii, answer(PII_TEXT)],
  [`${(JSON.stringify(long).length / 1024).toFixed(0)} KB conversation`, long, answer(PLAIN_ANSWER)],
];
perTrace(() => record(bookshop, answer(PLAIN_ANSWER), "mask")); // warm the name lexicon and the JIT
console.log(`µs per trace in the writer worker, median of 7 rounds of ${N}:`);
for (const [name, req, res] of cases) {
  const keep = perTrace(() => record(req, res, "keep"));
  const mask = perTrace(() => record(req, res, "mask"));
  const hash = perTrace(() => record(req, res, "hash"));
  const secrets = secretsPerTrace(req, res);
  console.log(`  ${name.padEnd(44)} keep ${keep.toFixed(1).padStart(7)}   mask ${mask.toFixed(1).padStart(7)}   hash ${hash.toFixed(1).padStart(7)}   (secrets ${secrets.toFixed(1)}: mask = ${(mask / secrets).toFixed(1)}x)`);
}

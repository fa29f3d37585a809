import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatChunk, ChatRequest } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import { simOptionsSchema, type SimOptionsInput } from "./options.js";
import { createSimProvider, type SimProvider } from "./provider.js";

function sim(opts: Partial<SimOptionsInput> = {}): SimProvider {
  return createSimProvider(simOptionsSchema.parse({ kind: "sim", ...opts }));
}

const r: ChatRequest = { model: "m", messages: [{ role: "user", content: "hello" }], max_tokens: 5 };

function ctx(header?: string, signal = new AbortController().signal): { requestId: string; signal: AbortSignal; headers?: Record<string, string> } {
  return { requestId: "r", signal, headers: header === undefined ? undefined : { "x-keel-sim": header } };
}

async function drain(p: SimProvider, header?: string, extra: Partial<ChatRequest> = {}): Promise<{ chunks: ChatChunk[]; error: unknown }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const c of p.chatStream({ ...r, ...extra, stream: true }, ctx(header))) chunks.push(c);
    return { chunks, error: null };
  } catch (error) {
    return { chunks, error };
  }
}

function isUpstream(code: string, status: number, retryAfter?: number) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof KeelError);
    assert.equal(e.code, code);
    assert.equal(e.retryAfter, retryAfter);
    assert.equal(e.upstream?.provider, "sim");
    assert.equal(e.upstream?.status, status);
    const body = e.upstream?.body as { error: { message: string; type: string; param: null; code: unknown } };
    assert.equal(typeof body.error.message, "string");
    assert.equal(typeof body.error.type, "string");
    assert.equal(body.error.param, null);
    return true;
  };
}

test("fail=STATUS throws the upstream code for that status, with Retry-After and an OpenAI error body", async () => {
  await assert.rejects(sim().chat(r, ctx("fail=503; retry_after=2")), isUpstream("upstream_unavailable", 503, 2));
  await assert.rejects(sim().chat(r, ctx("fail=429")), isUpstream("upstream_unavailable", 429));
  await assert.rejects(sim().chat(r, ctx("fail=500")), isUpstream("upstream_error", 500));
  await assert.rejects(sim().chat(r, ctx("fail=504")), isUpstream("upstream_timeout", 504));
  await assert.rejects(sim().chat(r, ctx("fail=400")), isUpstream("upstream_error", 400));
  const { chunks, error } = await drain(sim(), "fail=502");
  assert.equal(chunks.length, 0, "a failed stream throws before the first chunk");
  assert.ok(isUpstream("upstream_error", 502)(error));
});

test("configured error_rate 1 fails every call with the configured status and retry_after_s", async () => {
  const p = sim({ faults: { error_rate: 1, status: 429, retry_after_s: 3 } });
  await assert.rejects(p.chat(r, ctx()), isUpstream("upstream_unavailable", 429, 3));
  // the header overrides the configured probability
  assert.equal((await p.chat(r, ctx("fail_rate=0"))).choices.length, 1);
});

test("fail_rate is a probability; seeded dice make the sequence reproducible", async () => {
  const outcomes = async (p: SimProvider): Promise<boolean[]> => {
    const out: boolean[] = [];
    for (let i = 0; i < 400; i++) out.push(await p.chat(r, ctx("fail_rate=0.5; fail=503")).then(() => true, () => false));
    return out;
  };
  const a = await outcomes(sim({ faults: { seed: 42 } }));
  const ok = a.filter(Boolean).length;
  assert.ok(ok > 140 && ok < 260, `${ok} of 400 succeeded`);
  assert.deepEqual(await outcomes(sim({ faults: { seed: 42 } })), a);
  const unseeded = (await outcomes(sim())).filter(Boolean).length;
  assert.ok(unseeded > 140 && unseeded < 260, `${unseeded} of 400 succeeded (Math.random)`);
});

test("latency_ms and configured spikes delay the answer", async () => {
  let t = performance.now();
  await sim().chat(r, ctx("latency_ms=80"));
  assert.ok(performance.now() - t >= 78);
  t = performance.now();
  await sim({ faults: { spike_rate: 1, spike_ms: 60 } }).chat(r, ctx());
  assert.ok(performance.now() - t >= 58);
  t = performance.now();
  await assert.rejects(sim().chat(r, ctx("latency_ms=50; fail=500")));
  assert.ok(performance.now() - t >= 48, "a failure waits out latency_ms first");
});

test("timeout=1 never answers until the caller aborts, for chat and streams", async () => {
  const cases: [SimProvider, string | undefined][] = [[sim(), "timeout=1"], [sim({ faults: { timeout_rate: 1 } }), undefined]];
  for (const [p, header] of cases) {
    const ac = new AbortController();
    let settled = false;
    const pending = p.chat(r, ctx(header, ac.signal)).finally(() => (settled = true));
    await new Promise((res) => setTimeout(res, 60));
    assert.equal(settled, false);
    ac.abort(new Error("caller timeout"));
    await assert.rejects(pending, /caller timeout/);
  }
  const ac = new AbortController();
  const it = sim().chatStream({ ...r, stream: true }, ctx("timeout=1", ac.signal))[Symbol.asyncIterator]();
  const next = it.next();
  setTimeout(() => ac.abort(new Error("gone")), 30);
  await assert.rejects(next, /gone/);
});

test("cut_after=N delivers N chunks, then upstream_stream_error", async () => {
  const { chunks, error } = await drain(sim(), "cut_after=3");
  assert.equal(chunks.length, 3);
  assert.ok(error instanceof KeelError);
  assert.equal(error.code, "upstream_stream_error");
  assert.match(error.message, /ended abruptly after 3 chunks/);
  const zero = await drain(sim(), "cut_after=0");
  assert.equal(zero.chunks.length, 0);
  assert.ok(zero.error instanceof KeelError);
});

test("a cut past the end still cuts before the finish chunk, so it is always seen", async () => {
  const { chunks, error } = await drain(sim(), "cut_after=1000");
  assert.equal(chunks.length, 1 + 5, "role and five tokens, no finish chunk");
  assert.ok(chunks.every((c) => c.choices[0].finish_reason === null));
  assert.ok(error instanceof KeelError && error.code === "upstream_stream_error");
});

test("malformed_after=N delivers N chunks, then a malformed-chunk error", async () => {
  const { chunks, error } = await drain(sim(), "malformed_after=2");
  assert.equal(chunks.length, 2);
  assert.ok(error instanceof KeelError && error.code === "upstream_stream_error");
  assert.match(error.message, /malformed chunk/);
});

test("configured cut_rate and malformed_rate use cut_after_chunks; chat() is not affected", async () => {
  const cut = await drain(sim({ faults: { cut_rate: 1, cut_after_chunks: 2 } }));
  assert.equal(cut.chunks.length, 2);
  assert.match((cut.error as Error).message, /abruptly/);
  const bad = await drain(sim({ faults: { malformed_rate: 1, cut_after_chunks: 4 } }));
  assert.equal(bad.chunks.length, 4);
  assert.match((bad.error as Error).message, /malformed/);
  const whole = await sim({ faults: { cut_rate: 1 } }).chat(r, ctx("malformed_after=1"));
  assert.equal(whole.choices[0].finish_reason, "length");
});

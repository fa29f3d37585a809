/** The attempt loop against real simulator providers configured with faults. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatRequest } from "../api/chat-types.js";
import { loadConfig } from "../config/load.js";
import { KeelError } from "../errors/errors.js";
import { ModelRegistry } from "./model-registry.js";
import { PriceTable } from "../observe/prices.js";
import { simOptionsSchema } from "../providers/sim/options.js";
import { createSimProvider } from "../providers/sim/provider.js";
import type { Provider } from "../providers/types.js";
import type { AttemptRecord } from "./attempt.js";
import { RouteExecutor, type RouteCall } from "./executor.js";
import { PromptBlocks } from "./prompt-blocks.js";
import type { RoutedStream } from "./routed-stream.js";
import { type Route, RouteTable } from "./route-table.js";
import { TargetStates } from "./target-state.js";

interface Harness {
  route(name?: string): Route;
  executor: RouteExecutor;
  providers: Map<string, Provider>;
  call(route: Route, signal?: AbortSignal): RouteCall & { attempts: AttemptRecord[] };
}

/** Sim providers by name (options as keel.yaml takes them) and routes over them. */
function harness(sims: Record<string, Record<string, unknown>>, routes: unknown[]): Harness {
  const config = loadConfig({ inline: { providers: Object.entries(sims).map(([name, o]) => ({ name, kind: "sim", ...o })), routes }, env: {} });
  const providers = new Map<string, Provider>(Object.entries(sims).map(([name, o]) => [name, createSimProvider(simOptionsSchema.parse({ name, kind: "sim", ...o }))]));
  const prices = new PriceTable();
  const models = new ModelRegistry(config.models, prices, config.routes);
  const table = new RouteTable(config.routes, prices, new TargetStates(), (n) => models.resolve(n));
  const lookup = { get: (n: string): Provider => providers.get(n)! };
  // a fixed "random" makes backoffs exact: half the jitter range
  const executor = new RouteExecutor({ providers: lookup, blocks: new PromptBlocks(), random: () => 0.5 });
  return {
    route: (name = "r") => table.forModel(models.resolve(name)!),
    executor,
    providers,
    call: (route, signal = new AbortController().signal) => ({ route, requestId: "req_test", signal, t0: performance.now(), attempts: [] }),
  };
}

const ask = (content = "hello", extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: "r", messages: [{ role: "user", content }], ...extra });
const outcomes = (a: readonly AttemptRecord[]): string[] => a.map((x) => `${x.provider}:${x.outcome}${x.errorCode ? `:${x.errorCode}` : ""}`);

/** Reads a routed stream to its end; the chunk count, the already-received first one included. */
async function drain(stream: RoutedStream): Promise<number> {
  let n = 1;
  for (let s = await stream.next(); !s.done; s = await stream.next()) n++;
  return n;
}

const failover = (over: Record<string, unknown> = {}) => [{ name: "r", strategy: "failover", targets: [{ provider: "primary", model: "m" }, { provider: "backup", model: "m" }], ...over }];

test("a 500 fails over to the next target at once; every attempt is recorded", async () => {
  const h = harness({ primary: { faults: { error_rate: 1, status: 500 } }, backup: {} }, failover());
  const call = h.call(h.route());
  const { value, target } = await h.executor.chat(call, ask());
  assert.equal(target.id, "backup/m");
  assert.equal(value.model, "m", "the target's upstream model is sent");
  assert.deepEqual(outcomes(call.attempts), ["primary:error:upstream_error", "backup:ok"]);
  assert.equal(call.attempts[0].upstreamStatus, 500);
  assert.equal(call.attempts[1].waitMs, 0, "a fresh target is tried without backoff");
  assert.equal(h.route().targets[0].state.inFlight + h.route().targets[1].state.inFlight, 0);
});

test("a 429 with Retry-After: the backup serves, and the primary is avoided while it cools down", async () => {
  const h = harness({ primary: { faults: { error_rate: 1, status: 429, retry_after_s: 30 } }, backup: {} }, failover());
  const route = h.route();
  const first = h.call(route);
  await h.executor.chat(first, ask());
  assert.deepEqual(outcomes(first.attempts), ["primary:error:upstream_unavailable", "backup:ok"]);
  const second = h.call(route);
  await h.executor.chat(second, ask());
  assert.deepEqual(outcomes(second.attempts), ["backup:ok"], "the cooling primary is not called");
  assert.ok(route.targets[0].state.snapshot(performance.now()).retryAfterMs > 25_000);
});

test("a retry of the same target waits out full-jitter backoff, or the Retry-After when longer", async () => {
  const h = harness({ only: { faults: { error_rate: 1, status: 503, retry_after_s: 0.15 } } }, [
    { name: "r", targets: [{ provider: "only", model: "m" }], retry: { max_attempts: 3, backoff_base_ms: 40 } },
  ]);
  const call = h.call(h.route());
  await assert.rejects(h.executor.chat(call, ask()), (e: unknown) => e instanceof KeelError && e.code === "upstream_unavailable");
  assert.equal(call.attempts.length, 3);
  assert.equal(call.attempts[0].waitMs, 0);
  assert.ok(call.attempts[1].waitMs >= 140 && call.attempts[2].waitMs >= 140, `waited ${call.attempts.map((a) => a.waitMs)}`);
  const h2 = harness({ only: { faults: { error_rate: 1, status: 500 } } }, [
    { name: "r", targets: [{ provider: "only", model: "m" }], retry: { max_attempts: 3, backoff_base_ms: 40 } },
  ]);
  const c2 = h2.call(h2.route());
  await assert.rejects(h2.executor.chat(c2, ask()));
  assert.deepEqual(c2.attempts.map((a) => Math.round(a.waitMs)), [0, 20, 40], "random 0.5 × 40·2^k");
});

test("a Retry-After longer than max_retry_after_ms is not waited for", async () => {
  const h = harness({ only: { faults: { error_rate: 1, status: 429, retry_after_s: 60 } } }, [
    { name: "r", targets: [{ provider: "only", model: "m" }], retry: { max_attempts: 3, max_retry_after_ms: 1000 } },
  ]);
  const call = h.call(h.route());
  await assert.rejects(h.executor.chat(call, ask()), (e: unknown) => e instanceof KeelError && e.retryAfter === 60);
  assert.equal(call.attempts.length, 1);
});

test("a 400 is final: no failover, and the breaker does not count it", async () => {
  const h = harness({ primary: { faults: { error_rate: 1, status: 400 } }, backup: {} }, failover({ breaker: { consecutive_failures: 1 } }));
  const route = h.route();
  const call = h.call(route);
  await assert.rejects(h.executor.chat(call, ask()), (e: unknown) => e instanceof KeelError && e.upstream?.status === 400);
  assert.deepEqual(outcomes(call.attempts), ["primary:error:upstream_error"]);
  assert.equal(route.targets[0].state.breaker.state(performance.now()), "closed");
});

test("first-token timeout: a hanging primary is abandoned after first_token_ms and the backup serves", async () => {
  const h = harness({ primary: { faults: { timeout_rate: 1 } }, backup: {} }, failover({ timeouts: { first_token_ms: 80 } }));
  const call = h.call(h.route());
  const { target } = await h.executor.chat(call, ask());
  assert.equal(target.provider, "backup");
  assert.equal(call.attempts[0].errorCode, "upstream_timeout");
  assert.match(call.attempts[0].error!, /first_token_ms/);
  assert.ok(h.route().targets[0].state.ttft.read(performance.now())! >= 70, "a timeout counts as slowness for least-latency");
});

test("connect timeout: a stream whose upstream does not answer in connect_ms fails over; time to first token is not connect", async () => {
  const h = harness(
    { primary: { faults: { spike_rate: 1, spike_ms: 5000 } }, backup: { ttft_ms: 150 } },
    failover({ timeouts: { connect_ms: 60 } }),
  );
  const call = h.call(h.route());
  const stream = await h.executor.chatStream(call, ask("x", { stream: true }));
  assert.equal(stream.target.provider, "backup", "the backup's 150 ms to first token is within connect_ms: it answered at once");
  assert.match(call.attempts[0].error!, /connect_ms/);
  assert.ok(await drain(stream) > 1);
  assert.deepEqual(outcomes(call.attempts), ["primary:error:upstream_timeout", "backup:ok"]);
  // connect_ms does not apply without a stream: a slow completion is not a connect failure
  const slow = harness({ s: { ttft_ms: 150 } }, [{ name: "r", targets: [{ provider: "s", model: "m" }], timeouts: { connect_ms: 60 } }]);
  const c2 = slow.call(slow.route());
  await slow.executor.chat(c2, ask());
  assert.deepEqual(outcomes(c2.attempts), ["s:ok"]);
});

test("a stream cut before its first chunk fails over; the client sees one clean stream", async () => {
  const h = harness({ primary: { faults: { cut_rate: 1, cut_after_chunks: 0 } }, backup: {} }, failover());
  const call = h.call(h.route());
  const stream = await h.executor.chatStream(call, ask("x", { stream: true }));
  assert.equal(stream.target.provider, "backup");
  assert.ok((await drain(stream)) > 2);
  assert.deepEqual(outcomes(call.attempts), ["primary:error:upstream_stream_error", "backup:ok"]);
});

test("a stream cut after its first chunk is final: the error reaches the consumer and counts against the target", async () => {
  const h = harness({ primary: { faults: { cut_rate: 1, cut_after_chunks: 2 } }, backup: {} }, failover());
  const route = h.route();
  const call = h.call(route);
  const stream = await h.executor.chatStream(call, ask("x", { stream: true }));
  assert.equal(stream.target.provider, "primary");
  await assert.rejects(drain(stream), (e: unknown) => e instanceof KeelError && e.code === "upstream_stream_error");
  assert.deepEqual(outcomes(call.attempts), ["primary:error:upstream_stream_error"]);
  assert.equal(route.targets[0].state.failures, 1);
  assert.equal(route.targets[0].state.inFlight, 0);
});

test("idle timeout between chunks ends the stream with upstream_timeout", async () => {
  const h = harness({ slow: { itl_ms: 400 } }, [{ name: "r", targets: [{ provider: "slow", model: "m" }], timeouts: { idle_ms: 60 } }]);
  const call = h.call(h.route());
  const stream = await h.executor.chatStream(call, ask("x", { stream: true, max_tokens: 5 }));
  await assert.rejects(drain(stream), (e: unknown) => e instanceof KeelError && /idle_ms/.test(e.message));
  assert.equal(call.attempts[0].outcome, "error");
});

test("idle time counts only while the consumer waits: a slow client does not time out a healthy upstream", async () => {
  const h = harness({ fast: {} }, [{ name: "r", targets: [{ provider: "fast", model: "m" }], timeouts: { idle_ms: 40 } }]);
  const call = h.call(h.route());
  const stream = await h.executor.chatStream(call, ask("x", { stream: true, max_tokens: 4 }));
  let n = 1;
  for (;;) {
    await new Promise((r) => setTimeout(r, 90)); // the client is slow to read
    const s = await stream.next();
    if (s.done) break;
    n++;
  }
  assert.ok(n > 3);
  assert.deepEqual(outcomes(call.attempts), ["fast:ok"]);
});

test("the breaker opens after consecutive failures (calls skip the target), then a probe after the cool-down closes it", async () => {
  const h = harness({ primary: { faults: { error_rate: 1 } }, backup: {} }, failover({ breaker: { consecutive_failures: 2, cooldown_ms: 150 } }));
  const route = h.route();
  for (let i = 0; i < 2; i++) await h.executor.chat(h.call(route), ask());
  assert.equal(route.targets[0].state.breaker.state(performance.now()), "open");
  const skipped = h.call(route);
  await h.executor.chat(skipped, ask());
  assert.deepEqual(outcomes(skipped.attempts), ["backup:ok"]);
  h.providers.set("primary", createSimProvider(simOptionsSchema.parse({ name: "primary", kind: "sim" }))); // it heals
  await new Promise((r) => setTimeout(r, 170));
  const probe = h.call(route);
  await h.executor.chat(probe, ask());
  assert.deepEqual(outcomes(probe.attempts), ["primary:ok"]);
  assert.equal(route.targets[0].state.breaker.state(performance.now()), "closed");
});

test("every breaker open: 503 upstream_unavailable without calling anyone, Retry-After until the first half-opens", async () => {
  const h = harness({ only: { faults: { error_rate: 1 } } }, [{ name: "r", targets: [{ provider: "only", model: "m" }], retry: { max_attempts: 1 }, breaker: { consecutive_failures: 1, cooldown_ms: 5000 } }]);
  const route = h.route();
  await assert.rejects(h.executor.chat(h.call(route), ask()));
  const call = h.call(route);
  await assert.rejects(h.executor.chat(call, ask()), (e: unknown) => e instanceof KeelError && e.code === "upstream_unavailable" && e.retryAfter === 5);
  assert.equal(call.attempts.length, 0);
});

test("the route deadline ends a request across attempts; the abandoned attempt is not held against the target", async () => {
  const h = harness({ primary: { faults: { timeout_rate: 1 } }, backup: {} }, failover({ deadline_ms: 100 }));
  const route = h.route();
  const call = h.call(route);
  await assert.rejects(h.executor.chat(call, ask()), (e: unknown) => e instanceof KeelError && /deadline_ms/.test(e.message));
  assert.deepEqual(outcomes(call.attempts), ["primary:abandoned:upstream_timeout"]);
  assert.equal(route.targets[0].state.failures, 0);
});

test("a client that leaves aborts the attempt: no retry, no breaker verdict, in-flight released", async () => {
  const h = harness({ primary: { ttft_ms: 5000 }, backup: {} }, failover({ breaker: { consecutive_failures: 1 } }));
  const route = h.route();
  const ac = new AbortController();
  const call = h.call(route, ac.signal);
  setTimeout(() => ac.abort(new KeelError("upstream_stream_error", "Client closed the connection.")), 30);
  await assert.rejects(h.executor.chat(call, ask()), /Client closed/);
  assert.deepEqual(outcomes(call.attempts), ["primary:abandoned:upstream_stream_error"]);
  assert.equal(route.targets[0].state.breaker.state(performance.now()), "closed");
  assert.equal(route.targets[0].state.inFlight, 0);
});

test("max_attempts bounds the attempts across targets", async () => {
  const h = harness({ a: { faults: { error_rate: 1 } }, b: { faults: { error_rate: 1 } }, c: {} }, [
    { name: "r", targets: [{ provider: "a", model: "m" }, { provider: "b", model: "m" }, { provider: "c", model: "m" }], retry: { max_attempts: 2 } },
  ]);
  const call = h.call(h.route());
  await assert.rejects(h.executor.chat(call, ask()));
  assert.deepEqual(outcomes(call.attempts), ["a:error:upstream_error", "b:error:upstream_error"]);
});

test("prefix-affinity: a tenant's requests stick to the replica that holds its prefix, and the replica reports cached tokens", async () => {
  const h = harness({ r0: {}, r1: {}, r2: {} }, [
    { name: "r", strategy: "prefix-affinity", targets: [{ provider: "r0", model: "m" }, { provider: "r1", model: "m" }, { provider: "r2", model: "m" }] },
  ]);
  const route = h.route();
  const doc = (t: string): string => Array.from({ length: 60 }, (_, i) => `${t} section ${i} states a rule`).join(". ");
  const served = new Map<string, Set<string>>();
  let cached = 0;
  for (let i = 0; i < 12; i++) {
    const tenant = `tenant${i % 3}`;
    const req: ChatRequest = { model: "r", messages: [{ role: "system", content: doc(tenant) }, { role: "user", content: `question ${i}` }] };
    const call = h.call(route);
    const { value, target } = await h.executor.chat(call, req);
    if (i >= 3) cached += value.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    if (!served.has(tenant)) served.set(tenant, new Set());
    served.get(tenant)!.add(target.provider);
  }
  for (const [tenant, replicas] of served) assert.equal(replicas.size, 1, `${tenant} stayed on one replica: ${[...replicas]}`);
  assert.ok(cached > 0, "repeat prompts hit the replica's prefix cache");
  assert.ok(route.targets.some((t) => t.state.snapshot(0).prefixBlocks > 0), "routing decisions feed the replicas' block LRUs");
});

test("embeddings routes fail over the same way", async () => {
  const h = harness({ a: {}, b: {} }, [{ name: "r", type: "embeddings", targets: [{ provider: "a", model: "e" }, { provider: "b", model: "e" }] }]);
  const fake = (name: string, fail: boolean): Provider => ({
    name, kind: "fake",
    chat: async () => assert.fail("not a chat route"),
    chatStream: () => assert.fail("not a chat route"),
    embeddings: async (req) => {
      if (fail) throw new KeelError("upstream_unavailable", `${name} is down`, { upstream: { provider: name, status: 503 } });
      return { object: "list", model: req.model, data: [{ object: "embedding", index: 0, embedding: [1, 0] }], usage: { prompt_tokens: 1, total_tokens: 1 } };
    },
  });
  h.providers.set("a", fake("a", true));
  h.providers.set("b", fake("b", false));
  const call = h.call(h.route());
  const { value, target } = await h.executor.embeddings(call, { model: "r", input: "x" });
  assert.equal(target.id, "b/e");
  assert.equal(value.model, "e");
  assert.deepEqual(outcomes(call.attempts), ["a:error:upstream_unavailable", "b:ok"]);
});

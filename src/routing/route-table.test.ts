import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../config/load.js";
import { ModelRegistry } from "./model-registry.js";
import { PriceTable } from "../observe/prices.js";
import { chatFacts } from "./conditions.js";
import { RouteTable } from "./route-table.js";
import { TargetStates } from "./target-state.js";

const providers = [
  { name: "openai", kind: "openai", api_key: "sk-test" },
  { name: "claude", kind: "anthropic", api_key: "sk-ant-test" },
  { name: "vllm-a", kind: "sim" },
  { name: "vllm-b", kind: "sim" },
];

function table(inline: Record<string, unknown>) {
  const config = loadConfig({ inline: { providers, ...inline }, env: {} });
  const prices = new PriceTable(config.prices);
  const models = new ModelRegistry(config.models, prices, config.routes);
  const states = new TargetStates();
  return { config, models, states, table: new RouteTable(config.routes, prices, states, (n) => models.resolve(n)) };
}

const nobody = { feature: null, user: null, keyId: null };

test("a route: targets with the route's defaults folded in, prices from the table unless overridden", () => {
  const { models, table: t } = table({
    routes: [{
      name: "chat", aliases: ["default"], strategy: "least-latency", deadline_ms: 30_000,
      timeouts: { first_token_ms: 5000, idle_ms: 2000 },
      targets: [
        { provider: "openai", model: "gpt-4o-mini", timeouts: { first_token_ms: 3000 } },
        { provider: "claude", model: "claude-haiku-4-5", priority: 1, price: { input: 9, output: 9 } },
      ],
    }],
  });
  const m = models.resolve("default")!;
  assert.equal(m.name, "chat");
  assert.equal(m.provider, "openai", "admission sees the first-priority target");
  const r = t.forModel(m);
  assert.equal(r.strategy, "least-latency");
  assert.equal(r.deadlineMs, 30_000);
  assert.equal(r.retry.max_attempts, 3);
  assert.equal(r.breakerEnabled, true);
  assert.deepEqual(r.targets.map((x) => x.id), ["openai/gpt-4o-mini", "claude/claude-haiku-4-5"]);
  assert.deepEqual(r.targets[0].timeouts, { first_token_ms: 3000, idle_ms: 2000 });
  assert.equal(r.targets[0].price?.input, 0.15);
  assert.equal(r.targets[1].price?.input, 9);
  assert.ok(models.list().some((x) => x.id === "default"), "aliases are listed by /v1/models");
});

test("a models: entry is a one-target route that behaves as before: one attempt, breaker never stops it", () => {
  const { models, table: t } = table({ models: [{ name: "fast", provider: "openai", model: "gpt-4o-mini" }, { name: "oa/*", provider: "openai" }] });
  const r = t.forModel(models.resolve("fast")!);
  assert.equal(r.targets.length, 1);
  assert.equal(r.targets[0].id, "openai/gpt-4o-mini");
  assert.equal(r.retry.max_attempts, 1);
  assert.equal(r.breakerEnabled, false);
  const w = t.forModel(models.resolve("oa/gpt-4.1")!);
  assert.equal(w.targets[0].id, "openai/gpt-4.1");
  assert.equal(t.forModel(models.resolve("oa/gpt-4.1")!), w, "memoised");
});

test("targets are shared state by provider/model across routes", () => {
  const { models, table: t } = table({
    models: [{ name: "mini", provider: "openai", model: "gpt-4o-mini" }],
    routes: [{ name: "chat", targets: [{ provider: "openai", model: "gpt-4o-mini" }] }],
  });
  assert.equal(t.forModel(models.resolve("chat")!).targets[0].state, t.forModel(models.resolve("mini")!).targets[0].state);
});

test("rules pick another route (or model) for matching requests; the chosen route's rules are not chained", () => {
  const { models, table: t } = table({
    models: [{ name: "tiny", provider: "openai", model: "gpt-4.1-nano" }],
    routes: [
      { name: "chat", targets: [{ provider: "openai", model: "gpt-4o" }], rules: [
        { when: { feature: "autocomplete", max_prompt_tokens: 200 }, route: "small" },
        { when: { has_images: true }, route: "tiny" },
      ] },
      { name: "small", targets: [{ provider: "openai", model: "gpt-4o-mini" }], rules: [{ when: { feature: "autocomplete" }, route: "chat" }] },
    ],
  });
  const chat = t.forModel(models.resolve("chat")!);
  const ask = (feature: string | null, content: unknown) =>
    t.select(chat, chatFacts({ ...nobody, feature }, { model: "chat", messages: [{ role: "user", content: content as string }] })).name;
  assert.equal(ask("autocomplete", "def fib(n):"), "small");
  assert.equal(ask("autocomplete", "word ".repeat(500)), "chat");
  assert.equal(ask(null, [{ type: "image_url", image_url: { url: "data:," } }]), "tiny");
  assert.equal(ask("search", "hello"), "chat");
});

test("a route may take a built-in name such as sim", () => {
  const { config } = table({ routes: [{ name: "sim", strategy: "least-busy", targets: [{ provider: "vllm-a" }, { provider: "vllm-b" }] }] });
  assert.ok(!config.models.some((m) => m.name === "sim"));
});

test("bad routes stop loading with the key's path", () => {
  const bad = (routes: unknown[], models: unknown[] = []): string => {
    try {
      loadConfig({ inline: { providers, models, routes }, env: {} });
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.message;
    }
    return "loaded";
  };
  assert.match(bad([{ name: "r", targets: [{ provider: "openai" }, { provider: "ghost" }] }]), /routes\[0\]\.targets\[1\]\.provider: unknown provider "ghost"/);
  assert.match(bad([{ name: "r", targets: [] }]), /routes\[0\]\.targets/);
  assert.match(bad([{ name: "r", strategy: "random", targets: [{ provider: "openai" }] }]), /routes\[0\]\.strategy/);
  assert.match(bad([{ name: "r", targets: [{ provider: "openai", timeouts: { idle_ms: 0 } }] }]), /routes\[0\]\.targets\[0\]\.timeouts\.idle_ms/);
  assert.match(bad([{ name: "fast", targets: [{ provider: "openai" }] }], [{ name: "fast", provider: "openai" }]), /routes\[0\]: duplicate model name or alias "fast"/);
  assert.match(bad([{ name: "r", targets: [{ provider: "openai" }], rules: [{ when: { feature: "x" }, route: "nowhere" }] }]), /routes\[0\]\.rules\[0\]\.route: unknown route or model "nowhere"/);
  assert.match(bad([{ name: "r", targets: [{ provider: "openai" }], rules: [{ when: {}, route: "r" }] }]), /routes\[0\]\.rules\[0\]\.when: a rule needs at least one condition/);
  assert.match(
    bad([{ name: "r", targets: [{ provider: "openai" }], rules: [{ when: { feature: "x" }, route: "universal-sentence-encoder-lite" }] }]),
    /serves embeddings, route "r" serves chat/,
  );
  assert.match(bad([{ name: "x/*", targets: [{ provider: "openai" }] }]), /routes\[0\]\.name: a route name cannot be a wildcard/);
});

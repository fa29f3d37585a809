/** The drift canary calls models through routing: a failing first target fails over and feeds its breaker. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../config/load.js";
import { PriceTable } from "../../observe/prices.js";
import { simOptionsSchema } from "../../providers/sim/options.js";
import { createSimProvider } from "../../providers/sim/provider.js";
import type { Provider } from "../../providers/types.js";
import { ModelRegistry } from "../../routing/model-registry.js";
import { RoutingService } from "../../routing/routing-service.js";
import { routedCanaryCaller } from "./canary-caller.js";

function setup(primary: Record<string, unknown>): { caller: ReturnType<typeof routedCanaryCaller>; routing: RoutingService; calls: Map<string, number> } {
  const sims: Record<string, Record<string, unknown>> = {
    primary: { rules: [{ match: ".", text: "answer from primary" }], ...primary },
    backup: { rules: [{ match: ".", text: "answer from backup" }] },
  };
  const routes = [{ name: "watched", strategy: "failover", targets: [{ provider: "primary", model: "m" }, { provider: "backup", model: "m" }] }];
  const config = loadConfig({ inline: { providers: Object.entries(sims).map(([name, o]) => ({ name, kind: "sim", ...o })), routes }, env: {} });
  const calls = new Map<string, number>();
  const providers = new Map<string, Provider>(Object.entries(sims).map(([name, o]) => {
    const p = createSimProvider(simOptionsSchema.parse({ name, kind: "sim", ...o }));
    const chat: Provider["chat"] = (req, ctx) => (calls.set(name, (calls.get(name) ?? 0) + 1), p.chat(req, ctx));
    return [name, { ...p, chat }];
  }));
  const prices = new PriceTable();
  const models = new ModelRegistry(config.models, prices, config.routes);
  const routing = new RoutingService(config.routes, (n) => models.resolve(n), prices, { get: (n) => providers.get(n)! });
  return { caller: routedCanaryCaller(models, routing), routing, calls };
}

const probe = { model: "watched", messages: [{ role: "user" as const, content: "What is 2 + 2?" }], temperature: 0, max_tokens: 32 };

test("a canary call on a route is served by the route, not by its first target's provider", async () => {
  const { caller, calls } = setup({});
  const answer = await caller(probe, new AbortController().signal);
  assert.equal(answer.content, "answer from primary");
  assert.deepEqual(Object.fromEntries(calls), { primary: 1 });
});

test("when the first target fails the canary fails over, and the failure reaches the target's state", async () => {
  const { caller, routing, calls } = setup({ faults: { error_rate: 1, status: 500 } });
  const answer = await caller(probe, new AbortController().signal);
  assert.equal(answer.content, "answer from backup");
  assert.deepEqual(Object.fromEntries(calls), { primary: 1, backup: 1 });
  const primary = routing.snapshot().find((t) => t.provider === "primary");
  assert.equal(primary?.failures, 1, "the failed attempt counts against the primary (what its breaker reads)");
  assert.equal(routing.snapshot().find((t) => t.provider === "backup")?.successes, 1);
});

test("an unknown model is model_not_found", async () => {
  const { caller } = setup({});
  await assert.rejects(caller({ ...probe, model: "nope" }, new AbortController().signal), (e: Error & { code?: string }) => e.code === "model_not_found");
});

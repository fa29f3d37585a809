import { startAnthropicFake } from "../testing/anthropic-wire-fake.js";
import { anthropicOptionsSchema } from "./anthropic/options.js";
import { createAnthropicProvider } from "./anthropic/provider.js";
import { openaiOptionsSchema } from "./openai/options.js";
import { createOpenAIProvider } from "./openai/provider.js";
import { providerContract } from "./provider-contract.js";
import { simOptionsSchema } from "./sim/options.js";
import { createSimProvider } from "./sim/provider.js";
import { startSimServer } from "./sim/server.js";

providerContract("sim (in process)", async () => ({
  provider: createSimProvider(simOptionsSchema.parse({ kind: "sim" })),
  failing: createSimProvider(simOptionsSchema.parse({ kind: "sim", faults: { error_rate: 1, status: 500 } })),
  model: "sim",
  close: async () => {},
}));

// The OpenAI-compatible adapter over real HTTP, against `keel sim` — a server speaking OpenAI's format.
providerContract("openai (over HTTP to the simulator server)", async () => {
  const healthy = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim" }) });
  const broken = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", faults: { error_rate: 1, status: 500 } }) });
  const provider = createOpenAIProvider(openaiOptionsSchema.parse({ name: "up", kind: "openai", base_url: `${healthy.url}/v1` }), "sk-test");
  const failing = createOpenAIProvider(openaiOptionsSchema.parse({ name: "down", kind: "openai", base_url: `${broken.url}/v1` }), "sk-test");
  return {
    provider, failing, model: "sim",
    close: async () => {
      await Promise.all([provider.close?.(), failing.close?.()]);
      await Promise.all([healthy.close(), broken.close()]);
    },
  };
});

// The Anthropic adapter over real HTTP, against a fake that speaks Anthropic's Messages wire format.
providerContract("anthropic (over HTTP to an Anthropic-wire fake)", async () => {
  const healthy = await startAnthropicFake();
  const broken = await startAnthropicFake({ failing: true });
  const provider = createAnthropicProvider(anthropicOptionsSchema.parse({ name: "claude", kind: "anthropic", base_url: healthy.url }), "sk-ant-test");
  const failing = createAnthropicProvider(anthropicOptionsSchema.parse({ name: "claude-down", kind: "anthropic", base_url: broken.url }), "sk-ant-test");
  return {
    provider, failing, model: "claude-test",
    close: async () => {
      await Promise.all([provider.close?.(), failing.close?.()]);
      await Promise.all([healthy.close(), broken.close()]);
    },
  };
});

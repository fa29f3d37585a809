import type { ChatMessage, ChatRequest } from "../../api/chat-types.js";
import { canonicalJson, sha256Hex } from "../datasets/canonical.js";
import type { DatasetItem } from "../datasets/item-schema.js";
import { parseArgs } from "../evaluators/agent-steps.js";
import { getPath, parsePath } from "../evaluators/json-checks.js";
import type { ChatClient } from "../evaluators/judge/chat-client.js";
import type { ToolCallValue } from "../evaluators/types.js";
import { postJson } from "./http-call.js";
import type { RateGate } from "./rate-gate.js";
import type { GatewayTargetConfig, HttpTargetConfig } from "./suite.js";
import { inputText, itemVariables, type PreparedCall, type Target, type TargetOutput } from "./target.js";
import { renderJson, renderText, TemplateError } from "./template.js";

/**
 * A model, route or registered prompt behind Keel's gateway. With `prompt`, the gateway renders
 * the registered version from the item's variables; with `messages`, the suite's template is
 * rendered here; otherwise the item's own input is sent.
 */
export function gatewayTarget(cfg: GatewayTargetConfig, client: ChatClient): Target {
  return {
    fingerprint: sha256Hex(canonicalJson(["gateway", cfg])).slice(0, 16),
    description: cfg.prompt ? `prompt ${cfg.prompt.name}@${cfg.prompt.version ?? cfg.prompt.label ?? "latest"}` : `model ${cfg.model}`,
    prepare(item) {
      const vars = itemVariables(item);
      const req: Record<string, unknown> = { ...cfg.params };
      if (cfg.model) req.model = cfg.model;
      if (cfg.prompt) {
        req.prompt = { ...cfg.prompt, variables: { ...(item.variables ?? {}), ...(item.input !== undefined ? { input: inputText(item) } : {}) } };
        return { payload: req, inputText: inputText(item) };
      }
      let messages: ChatMessage[];
      if (cfg.messages) messages = cfg.messages.map((m) => ({ role: m.role, content: renderText(m.content, vars) }));
      else if (typeof item.input === "string") messages = [{ role: "user", content: item.input }];
      else if (Array.isArray(item.input)) messages = item.input as ChatMessage[];
      else throw new TemplateError("the item has only variables and the target has no `messages` template or `prompt`");
      req.messages = messages;
      const lastUser = [...messages].reverse().find((m) => m.role === "user");
      return { payload: req, inputText: typeof lastUser?.content === "string" ? lastUser.content : inputText(item) };
    },
    async send(call, signal) {
      const r = await client.complete(call.payload as ChatRequest, signal);
      const msg = r.completion.choices[0]?.message;
      return {
        text: msg?.content ?? "",
        tool_calls: (msg?.tool_calls ?? []).map((tc) => ({ name: tc.function.name, arguments: parseArgs(tc.function.arguments) })),
        latency_ms: r.latencyMs,
        cost_usd: r.costUsd,
        request_id: r.requestId,
        model: r.completion.model ?? null,
      };
    },
  };
}

/**
 * The team's own endpoint: a JSON body rendered from the item, and dot paths that say where the
 * answer (and optionally tool calls, retrieved context, steps, cost) are in the response. Without
 * `output` the response is read as an OpenAI chat completion.
 */
export function httpTarget(cfg: HttpTargetConfig, gate: RateGate, o: { retries: number; timeoutMs: number }): Target {
  return {
    fingerprint: sha256Hex(canonicalJson(["http", { ...cfg, headers: Object.keys(cfg.headers).sort() }])).slice(0, 16),
    description: `endpoint ${cfg.url}`,
    prepare(item: DatasetItem): PreparedCall {
      return { payload: renderJson(cfg.body, itemVariables(item)), inputText: inputText(item) };
    },
    async send(call, signal): Promise<TargetOutput> {
      const r = await postJson(cfg.url, call.payload, cfg.headers, { gate, retries: o.retries, timeoutMs: o.timeoutMs, signal });
      const at = (path: string | undefined): unknown => (path === undefined ? undefined : getPath(r.json, parsePath(path)).value);
      if (!cfg.output) {
        const choice = (r.json as { choices?: { message?: { content?: string | null; tool_calls?: { function: { name: string; arguments: string } }[] } }[] })?.choices?.[0];
        if (!choice) throw new Error(`${cfg.url}: the response is not a chat completion; set target.output to say where the answer is`);
        return {
          text: choice.message?.content ?? "",
          tool_calls: (choice.message?.tool_calls ?? []).map((tc) => ({ name: tc.function.name, arguments: parseArgs(tc.function.arguments) })),
          latency_ms: r.latencyMs, cost_usd: 0, request_id: r.header("x-request-id") ?? null, model: (r.json as { model?: string }).model ?? null,
        };
      }
      const text = at(cfg.output.text);
      const calls = at(cfg.output.tool_calls);
      const context = at(cfg.output.context);
      const steps = at(cfg.output.steps);
      const cost = at(cfg.output.cost_usd);
      return {
        text: typeof text === "string" ? text : text === undefined || text === null ? "" : JSON.stringify(text),
        tool_calls: Array.isArray(calls) ? calls.filter(isToolCall) : [],
        latency_ms: r.latencyMs,
        cost_usd: typeof cost === "number" && cost >= 0 ? cost : 0,
        request_id: r.header("x-request-id") ?? null,
        model: null,
        ...(Array.isArray(context) ? { context: context.map((c) => (typeof c === "string" ? c : JSON.stringify(c))) } : {}),
        ...(Array.isArray(steps) ? { steps: steps as TargetOutput["steps"] } : {}),
      };
    },
  };
}

function isToolCall(v: unknown): v is ToolCallValue {
  return !!v && typeof v === "object" && typeof (v as { name?: unknown }).name === "string";
}

import { test } from "node:test";
import assert from "node:assert/strict";
import type { ChatChunk, ChatRequest } from "../api/chat-types.js";
import { KeelError } from "../errors/errors.js";
import type { CallContext, Provider } from "./types.js";

export interface ContractSubject {
  /** A healthy provider and the upstream model name to call. */
  provider: Provider;
  model: string;
  /** The same provider kind, configured so that every call fails upstream with HTTP 500. */
  failing: Provider;
  close(): Promise<void>;
}

function ctx(signal: AbortSignal = new AbortController().signal): CallContext {
  return { requestId: "req_contract_0001", signal };
}

const ask = (model: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model, messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Say something about contracts." }], max_tokens: 12, ...extra,
});

/**
 * The behaviour every provider owes the gateway, whatever its wire format. Each adapter runs it
 * with a subject of its own, over HTTP to a local server speaking the adapter's wire format
 * (docs/contributing.md, "Contract suites": one contract suite per extension point).
 */
export function providerContract(name: string, setup: () => Promise<ContractSubject>): void {
  test(`${name}: provider contract`, async (t) => {
    const s = await setup();
    try {
      await t.test("chat returns an OpenAI completion with consistent usage", async () => {
        const c = await s.provider.chat(ask(s.model), ctx());
        assert.equal(c.object, "chat.completion");
        assert.equal(c.choices[0].message.role, "assistant");
        assert.equal(typeof c.choices[0].message.content, "string");
        assert.ok(["stop", "length"].includes(String(c.choices[0].finish_reason)));
        assert.ok(c.usage && c.usage.prompt_tokens > 0 && c.usage.completion_tokens > 0);
        assert.equal(c.usage.total_tokens, c.usage.prompt_tokens + c.usage.completion_tokens);
      });

      await t.test("chatStream yields chunks: role first, a finish reason, and usage last", async () => {
        const chunks: ChatChunk[] = [];
        for await (const ch of s.provider.chatStream(ask(s.model, { stream: true }), ctx())) chunks.push(ch);
        assert.ok(chunks.length >= 3);
        assert.ok(chunks.every((c) => c.object === "chat.completion.chunk"));
        assert.equal(chunks[0].choices[0]?.delta.role, "assistant");
        assert.ok(chunks.some((c) => c.choices[0]?.finish_reason));
        const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
        assert.ok(text.length > 0);
        const usage = chunks.at(-1)!.usage;
        assert.ok(usage && usage.completion_tokens > 0, "the last chunk carries usage");
      });

      await t.test("a required tool call comes back with JSON arguments", async () => {
        const c = await s.provider.chat(
          ask(s.model, {
            tools: [{ type: "function", function: { name: "lookup", parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] } } }],
            tool_choice: "required",
          }),
          ctx(),
        );
        const call = c.choices[0].message.tool_calls?.[0];
        assert.equal(call?.function.name, "lookup");
        assert.equal(typeof JSON.parse(call!.function.arguments).q, "string");
        assert.equal(c.choices[0].finish_reason, "tool_calls");
      });

      await t.test("an aborted call rejects instead of hanging", async () => {
        const ac = new AbortController();
        ac.abort(new KeelError("upstream_timeout", "deadline"));
        await assert.rejects(s.provider.chat(ask(s.model), ctx(ac.signal)));
        const it = s.provider.chatStream(ask(s.model, { stream: true }), ctx(ac.signal))[Symbol.asyncIterator]();
        await assert.rejects(it.next());
      });

      await t.test("an upstream 500 is a KeelError upstream_error naming the provider", async () => {
        await assert.rejects(s.failing.chat(ask(s.model), ctx()), (e: unknown) => {
          assert.ok(e instanceof KeelError);
          assert.equal(e.code, "upstream_error");
          assert.equal(e.status, 502);
          assert.equal(e.upstream?.status, 500);
          return true;
        });
        const it = s.failing.chatStream(ask(s.model, { stream: true }), ctx())[Symbol.asyncIterator]();
        await assert.rejects(it.next(), (e: unknown) => e instanceof KeelError && e.code === "upstream_error");
      });
    } finally {
      await s.close();
    }
  });
}

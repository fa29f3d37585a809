/**
 * A small server that speaks Anthropic's Messages API wire format (POST /v1/messages, JSON or
 * server-sent events), so the Anthropic adapter runs the provider contract over real HTTP with no
 * network — the way the OpenAI adapter runs it against `keel sim`. It is strict where the adapter
 * could get the format wrong: it refuses a request without `x-api-key`, `anthropic-version`,
 * `max_tokens`, or with a `system` role inside `messages` (Anthropic takes the system prompt as a
 * top-level field), with Anthropic's error body `{"type":"error","error":{type,message}}`.
 * Answers are made up from the prompt's words, one output token per word; with `thinking` enabled a
 * signed thinking block comes first.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface AnthropicFake {
  /** Base URL, no trailing slash (the adapter appends /v1/messages). */
  readonly url: string;
  /** Requests as received: path, headers and parsed body. */
  readonly requests: { path: string; headers: IncomingMessage["headers"]; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

export interface AnthropicFakeOptions {
  /** Answer every call with HTTP 500 and an `api_error` body. */
  failing?: boolean;
  /** Streams stop after this many events: the connection is destroyed with no message_stop (a cut upstream). */
  cutAfterEvents?: number;
}

type Json = Record<string, unknown>;

function error(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { "content-type": "application/json", "request-id": `req_${randomBytes(8).toString("hex")}` });
  res.end(JSON.stringify({ type: "error", error: { type, message } }));
}

const words = (s: string): string[] => s.match(/[\p{L}\p{N}]+/gu) ?? [];

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b: Json) => (b.type === "text" ? String(b.text) : b.type === "tool_result" ? textOf(b.content) : "")).join(" ");
}

/** A value satisfying a tool's input_schema (strings, numbers, booleans, nested objects), for `tool_use` blocks. */
function sample(schema: Json | undefined): unknown {
  switch (schema?.type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, sample(v)]));
    }
    case "array": return [sample(schema.items as Json | undefined)];
    case "number": case "integer": return 1;
    case "boolean": return true;
    default: return "example";
  }
}

/** Why this body is not a valid Messages request, or null. */
function invalid(body: Json): string | null {
  if (typeof body.model !== "string" || body.model.length === 0) return "model: Field required";
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) < 1) return "max_tokens: Field required";
  if (!Array.isArray(body.messages) || body.messages.length === 0) return "messages: at least one message is required";
  for (const [i, m] of (body.messages as Json[]).entries()) {
    if (m.role !== "user" && m.role !== "assistant") return `messages.${i}.role: Input should be 'user' or 'assistant'`;
  }
  if ((body.messages as Json[])[0].role !== "user") return "messages: first message must use the \"user\" role";
  if (body.system !== undefined && typeof body.system !== "string" && !Array.isArray(body.system)) return "system: Input should be a valid string or list of text blocks";
  return null;
}

function answer(body: Json): { content: Json[]; stop: string; input: number; output: number } {
  const prompt = [textOf(body.system), ...(body.messages as Json[]).map((m) => textOf(m.content))].join(" ");
  const input = Math.max(1, words(prompt).length);
  const choice = body.tool_choice as Json | undefined;
  const tools = (body.tools ?? []) as Json[];
  if (tools.length > 0 && (choice?.type === "any" || choice?.type === "tool")) {
    const tool = choice.type === "tool" ? tools.find((t) => t.name === choice.name) ?? tools[0] : tools[0];
    const block = { type: "tool_use", id: `toolu_${randomBytes(12).toString("hex")}`, name: tool.name, input: sample(tool.input_schema as Json) };
    return { content: [block], stop: "tool_use", input, output: 8 };
  }
  const pool = words(prompt);
  const all = Array.from({ length: 24 }, (_, i) => pool[i % pool.length] ?? "ok");
  const max = body.max_tokens as number;
  const said = all.slice(0, max);
  const text = { type: "text", text: said.join(" ") };
  // Extended thinking asked for: a signed thinking block first, as Claude answers.
  const thinking = (body.thinking as Json | undefined)?.type === "enabled"
    ? [{ type: "thinking", thinking: `Considering: ${pool.slice(0, 4).join(" ")}.`, signature: `sig_${randomBytes(8).toString("hex")}` }]
    : [];
  return { content: [...thinking, text], stop: said.length < all.length ? "max_tokens" : "end_turn", input, output: said.length + thinking.length * 4 };
}

function stream(res: ServerResponse, body: Json, a: ReturnType<typeof answer>, id: string, cutAfter = Infinity): void {
  let sent = 0;
  const sse = (_: ServerResponse, event: string, data: Json): void => {
    // The cut comes after what was written has left (a destroy at once would discard it unsent).
    if (sent++ === cutAfter) setTimeout(() => res.destroy(), 50);
    if (sent <= cutAfter) res.write(`event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`);
  };
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  sse(res, "message_start", { message: { id, type: "message", role: "assistant", model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: a.input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } } });
  a.content.forEach((block, index) => {
    if (block.type === "text") {
      sse(res, "content_block_start", { index, content_block: { type: "text", text: "" } });
      sse(res, "ping", {});
      for (const w of String(block.text).split(/(?<= )/)) sse(res, "content_block_delta", { index, delta: { type: "text_delta", text: w } });
    } else if (block.type === "thinking") {
      sse(res, "content_block_start", { index, content_block: { type: "thinking", thinking: "" } });
      for (const w of String(block.thinking).split(/(?<= )/)) sse(res, "content_block_delta", { index, delta: { type: "thinking_delta", thinking: w } });
      sse(res, "content_block_delta", { index, delta: { type: "signature_delta", signature: block.signature } });
    } else {
      sse(res, "content_block_start", { index, content_block: { type: "tool_use", id: block.id, name: block.name, input: {} } });
      const json = JSON.stringify(block.input);
      for (let i = 0; i < json.length; i += 8) sse(res, "content_block_delta", { index, delta: { type: "input_json_delta", partial_json: json.slice(i, i + 8) } });
    }
    sse(res, "content_block_stop", { index });
  });
  sse(res, "message_delta", { delta: { stop_reason: a.stop, stop_sequence: null }, usage: { output_tokens: a.output } });
  sse(res, "message_stop", {});
  if (sent <= cutAfter) res.end();
}

export async function startAnthropicFake(opts: AnthropicFakeOptions = {}): Promise<AnthropicFake> {
  const requests: AnthropicFake["requests"] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/messages") return error(res, 404, "not_found_error", `${req.method} ${req.url}: not found`);
      let body: Json;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Json;
      } catch {
        return error(res, 400, "invalid_request_error", "the request body is not valid JSON");
      }
      requests.push({ path: req.url, headers: req.headers, body });
      if (!req.headers["x-api-key"]) return error(res, 401, "authentication_error", "x-api-key header is required");
      if (!req.headers["anthropic-version"]) return error(res, 400, "invalid_request_error", "anthropic-version: header is required");
      if (opts.failing) return error(res, 500, "api_error", "Internal server error");
      const why = invalid(body);
      if (why) return error(res, 400, "invalid_request_error", why);
      const a = answer(body);
      const id = `msg_${randomBytes(12).toString("hex")}`;
      if (body.stream === true) return stream(res, body, a, id, opts.cutAfterEvents);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        id, type: "message", role: "assistant", model: body.model, content: a.content, stop_reason: a.stop, stop_sequence: null,
        usage: { input_tokens: a.input, output_tokens: a.output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/**
 * Reads an OpenAI-format chat completion stream (SSE `data: {chunk}` … `data: [DONE]`) into
 * ChatChunks. Every way a stream can go wrong ends in a KeelError thrown from the iterator, never
 * a hang: a malformed chunk, an `error` payload (OpenAI, vLLM and Ollama send one mid-stream), or
 * a body that ends before `[DONE]` without any choice having finished.
 */
import type { ChatChunk } from "../../api/chat-types.js";
import { KeelError } from "../../errors/errors.js";
import type { StreamResponse } from "../http-transport.js";
import { SseParser } from "../sse.js";

const KEEP_CHARS = 4096;

/** `open` sends the request; it runs on the first next(), one generator layer instead of two. */
export async function* readChatStream(open: () => Promise<StreamResponse>, provider: string): AsyncGenerator<ChatChunk, void, undefined> {
  const { body } = await open();
  const parser = new SseParser();
  // Servers that omit [DONE] (some llama.cpp and Ollama builds) still end cleanly once a choice
  // reported its finish_reason; only a stream cut before that is an error.
  let finished = false;
  for await (const bytes of body) {
    let events;
    try {
      events = parser.push(bytes);
    } catch (err) {
      throw streamError(provider, "sent an SSE event over the size limit", undefined, err);
    }
    for (const ev of events) {
      if (ev.data === "[DONE]") return;
      let chunk: ChatChunk;
      try {
        chunk = JSON.parse(ev.data) as ChatChunk;
      } catch {
        throw streamError(provider, "sent a malformed stream chunk", clip(ev.data));
      }
      if (chunk === null || typeof chunk !== "object") throw streamError(provider, "sent a malformed stream chunk", clip(ev.data));
      if (chunk.error != null || ev.event === "error") {
        throw streamError(provider, `sent an error mid-stream${describe(chunk.error)}`, chunk);
      }
      const choices = chunk.choices;
      if (!Array.isArray(choices)) throw streamError(provider, "sent a chunk without choices", clip(ev.data));
      if (!finished) {
        for (let i = 0; i < choices.length; i++) if (choices[i]?.finish_reason) finished = true;
      }
      // Usage-only chunks (choices: []) are yielded even when Keel, not the client, asked for
      // include_usage: the gateway needs usage for limits and cost, and it decides whether the
      // client gets the chunk.
      yield chunk;
    }
  }
  if (!finished) throw streamError(provider, "ended the stream before [DONE]");
}

function streamError(provider: string, what: string, body?: unknown, cause?: unknown): KeelError {
  return new KeelError("upstream_stream_error", `${provider} ${what}`, { upstream: { provider, body }, cause });
}

function describe(error: unknown): string {
  if (typeof error === "string") return `: ${error.slice(0, 500)}`;
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === "string" ? `: ${message.slice(0, 500)}` : "";
}

function clip(text: string): string {
  return text.length > KEEP_CHARS ? `${text.slice(0, KEEP_CHARS)}…` : text;
}

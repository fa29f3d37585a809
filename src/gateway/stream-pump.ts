import type { ServerResponse } from "node:http";
import type { ChatChunk } from "../api/chat-types.js";
import type { RoutedStream } from "../routing/routed-stream.js";
import { drained } from "../server/backpressure.js";
import type { ChatContext } from "./chat.js";
import type { StreamAssembler } from "./stream-assembler.js";

/**
 * The streaming loop every chat-backed surface shares (chat.ts, responses.ts, anthropic/messages.ts):
 * each upstream chunk is screened by the output guard in the tick it arrives (a held-back chunk is
 * null), folded into `asm` for the trace, and written as whatever the surface's wire format makes
 * of it (`encode` may return "" to write nothing), waiting on backpressure. Ends the screen when the
 * stream ends; throws what the stream or the screen throws, for the surface to answer in its shape.
 */
export async function pumpScreened(ctx: ChatContext, stream: RoutedStream, res: ServerResponse, asm: StreamAssembler, encode: (chunk: ChatChunk) => string): Promise<void> {
  const screen = ctx.screen;
  let step: IteratorResult<ChatChunk> = { done: false, value: stream.first };
  while (!step.done) {
    const chunk: ChatChunk | null = screen ? screen.push(step.value) : step.value;
    if (chunk !== null) {
      asm.add(chunk);
      const out = encode(chunk);
      if (out !== "" && !res.write(out)) await drained(res, ctx.abort.signal);
    }
    step = await stream.next();
  }
  screen?.finish();
}

import type { ChatChunk } from "../api/chat-types.js";
import type { Attempt } from "./attempt.js";
import { classifyFailure } from "./retry-policy.js";
import type { RouteTarget } from "./route-table.js";

/**
 * A stream past its first chunk: the client is about to get bytes, so a failure from here on is
 * final (chat.ts ends the stream with an error event). This wrapper keeps the idle and total
 * timeouts running chunk by chunk and settles the attempt — breaker, moving averages, in-flight —
 * when the stream ends, however it ends.
 */
export class RoutedStream implements AsyncIterator<ChatChunk> {
  readonly target: RouteTarget;

  constructor(
    private readonly it: AsyncIterator<ChatChunk>,
    /** The first chunk, already received. */
    readonly first: ChatChunk,
    private readonly attempt: Attempt,
    private readonly requestSignal: AbortSignal,
  ) {
    this.target = attempt.target;
  }

  async next(): Promise<IteratorResult<ChatChunk>> {
    let step: IteratorResult<ChatChunk>;
    this.attempt.timers.awaitingChunk();
    try {
      step = await this.it.next();
    } catch (thrown) {
      const timers = this.attempt.timers;
      const err = timers.fired ? timers.signal.reason : thrown;
      if (this.requestSignal.aborted || timers.fired === "deadline") this.attempt.abandon(err);
      else this.attempt.fail(err, classifyFailure(err, true));
      throw err;
    }
    if (step.done) this.attempt.succeed();
    else this.attempt.timers.chunk();
    return step;
  }

  /** The consumer stopped early (the client left): no verdict on the target. */
  async return(): Promise<IteratorResult<ChatChunk>> {
    this.attempt.abandon(new Error("the stream was closed before its end"));
    await this.it.return?.();
    return { done: true, value: undefined };
  }
}

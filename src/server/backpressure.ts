import type { ServerResponse } from "node:http";

/**
 * Resolves when the socket drains, rejects when the signal aborts; a closed socket never drains,
 * so 'close' resolves too (the next write then fails fast instead of hanging).
 */
export function drained(res: ServerResponse, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      signal?.removeEventListener("abort", done);
      if (signal?.aborted) reject(signal.reason);
      else resolve();
    };
    res.on("drain", done);
    res.on("close", done);
    signal?.addEventListener("abort", done);
  });
}

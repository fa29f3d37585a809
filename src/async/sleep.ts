/**
 * A timer that an AbortSignal cancels, rejecting with the signal's own reason (a KeelError deadline,
 * a client disconnect) — unlike node:timers/promises, which rejects with a generic AbortError.
 */
export function sleep(ms: number, signal?: AbortSignal, opts: { unref?: boolean } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    // A background wait (a webhook retry) must not keep the process alive on its own.
    if (opts.unref) timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

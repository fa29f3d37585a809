import { sleep } from "../../async/sleep.js";
import type { AnswerPlan, CallPlan } from "./engine.js";

export { sleep };

/**
 * Real time for simulated calls: timers that die with the caller's signal, and the wait shared by
 * chat() and streams up to the first token. A zero delay never reaches setTimeout, so a sim
 * configured with no latency answers in microtasks.
 */

/** The simulated upstream that never answers: settles only by rejecting when the caller gives up. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * Waits out latency and time to first token, or plays the call's failure: throw, or hang.
 * `onAccepted` (CallContext.onUpstreamResponse) marks the end of the injected latency — where a
 * real server would have sent its response headers — so a router's connect timeout can see a spike.
 */
export async function untilFirstToken(plan: CallPlan, signal: AbortSignal, onAccepted?: () => void): Promise<AnswerPlan> {
  signal.throwIfAborted();
  if (plan.kind !== "answer") {
    if (plan.delayMs > 0) await sleep(plan.delayMs, signal);
    if (plan.kind === "fail") throw plan.error;
    return untilAborted(signal);
  }
  if (onAccepted) {
    if (plan.delayMs > 0) await sleep(plan.delayMs, signal);
    onAccepted();
    if (plan.ttftMs > 0) await sleep(plan.ttftMs, signal);
    return plan;
  }
  const wait = plan.delayMs + plan.ttftMs;
  if (wait > 0) await sleep(wait, signal);
  return plan;
}


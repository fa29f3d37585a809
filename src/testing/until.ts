import { sleep } from "../async/sleep.js";

/**
 * Polls every 20 ms until `ok` holds, for what happens after a response (background webhook
 * deliveries, trace batches, budget events); throws naming `what` after `ms`. A wait, not a timing
 * assertion: the deadline is generous and only bounds a hung test.
 */
export async function until(ok: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}

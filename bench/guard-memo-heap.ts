/**
 * Heap held by the guard's memo of screened texts at its bound (decision 0038):
 * `node --expose-gc --import tsx bench/guard-memo-heap.ts [max_chars]` (default 4000000).
 *
 * The default input policy screens 30,000 unique short chat turns (the load benchmark's turn with
 * its own reference each) on a service with the memo off and then on; the live heap after a full
 * GC is read before and after. A measurement, not a test: prints one JSON line per variant.
 */
import type { ChatRequest } from "../src/api/chat-types.js";
import { guardConfigSchema } from "../src/guard/policy/config-schema.js";
import { GuardService } from "../src/guard/policy/guard-service.js";
import { RequestGuard } from "../src/guard/request-guard.js";
import { letters } from "./load.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const used = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
const bound = Number(process.argv[2] ?? 4_000_000);
const id = { model: "bench", feature: null, keyId: "key_bench", keyName: null };
const turn = (n: number): ChatRequest => ({ model: "bench", messages: [{ role: "user", content: `Do you ship paperbacks to Canada, and how long does delivery usually take? (ref ${letters(n)})` }] }) as ChatRequest;

let n = 0;
for (const max of [0, bound]) {
  const service = new GuardService(guardConfigSchema.parse({ memo: { max_chars: max } }));
  const screen = async (): Promise<void> => {
    const g = new RequestGuard(service, service.resolve(id), undefined, undefined, id.keyId);
    await g.screenInput(turn(n++));
    await g.runDeferred();
  };
  for (let i = 0; i < 200; i++) await screen(); // warm-up: JIT, lexicons
  service.memo.clear();
  const before = used();
  for (let i = 0; i < 30_000; i++) await screen();
  const grown = used() - before;
  const m = service.memo;
  console.log(JSON.stringify({ max_chars: max, texts: m.size, chars: m.chars, heap_growth_mb: Math.round(grown / 1048.576) / 1000, bytes_per_text: m.size ? Math.round(grown / m.size) : null }));
}

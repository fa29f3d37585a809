/**
 * The guard's memo of screened texts (decision 0038) on conversations:
 * `node --import tsx bench/guard-memo.ts [--turns 1,5,10,20] [--conversations N]`.
 *
 * A chat client resends the whole conversation on every call, so without the memo call t screens
 * all t user turns again. This drives the default policies in process, as the gateway runs them
 * (RequestGuard.screenInput, the deferred log-only scanners, screenCompletion of the answer,
 * records()), through conversations of T user turns of ~300 characters of realistic text
 * (guard-corpus.ts, names, addresses and code included) with an answer between turns. Every turn
 * and every answer is unique (a letters-only reference), so only resent turns can be remembered.
 * Two services in one process, memo on (the default) and off (`guard.memo.max_chars: 0`),
 * alternating conversation by conversation. CPU per call from process.cpuUsage.
 *
 * A measurement, not a test: prints a table and a JSON line, exits 0 whatever the numbers.
 */
import { loadavg } from "node:os";
import { guardConfigSchema } from "../src/guard/policy/config-schema.js";
import { GuardService } from "../src/guard/policy/guard-service.js";
import { RequestGuard } from "../src/guard/request-guard.js";
import type { ChatCompletion, ChatMessage, ChatRequest } from "../src/api/chat-types.js";
import { realisticText } from "./guard-corpus.js";
import { letters } from "./load.js";
import { round3, summarize } from "./stats.js";

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const TURNS = (flag("--turns") ?? "1,5,10,20").split(",").map(Number);
const CONVERSATIONS = Math.max(4, Number(flag("--conversations") ?? 30));

const services = {
  on: new GuardService(guardConfigSchema.parse({})),
  off: new GuardService(guardConfigSchema.parse({ memo: { max_chars: 0 } })),
};
const id = { model: "bench", feature: null, keyId: "key_bench", keyName: null };
const CORPUS = realisticText(40_000);
let seq = 0;

/** A unique ~300-character turn: a slice of the corpus at a moving offset, with its own reference. */
function turn(): string {
  const n = seq++;
  const at = (n * 977) % (CORPUS.length - 400);
  return `${CORPUS.slice(at, at + 290)} (ref ${letters(n)})`;
}

const completion = (content: string): ChatCompletion => ({
  id: "bench", object: "chat.completion", created: 0, model: "bench",
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
}) as ChatCompletion;

/** One conversation of `turns` calls on `service`; CPU µs of each call. */
async function conversation(service: GuardService, turns: number): Promise<number[]> {
  const messages: ChatMessage[] = [{ role: "system", content: "You are the support assistant of an online bookshop. Answer briefly." }];
  const cpu: number[] = [];
  for (let t = 0; t < turns; t++) {
    messages.push({ role: "user", content: turn() });
    const answer = `Thanks, I have noted that. ${turn().slice(0, 120)}`;
    const g = new RequestGuard(service, service.resolve(id), undefined, undefined, id.keyId);
    const c0 = process.cpuUsage();
    try {
      await g.screenInput({ model: "bench", messages: messages.slice() } as ChatRequest);
    } catch {
      // a block still ran its scanners
    }
    await g.runDeferred();
    try {
      await g.screenCompletion(completion(answer));
    } catch {
      // idem
    }
    await g.runDeferred(); // the answer's flag and log scanners, after the response in the gateway
    g.records();
    const c1 = process.cpuUsage();
    cpu.push(c1.user + c1.system - c0.user - c0.system);
    messages.push({ role: "assistant", content: answer });
  }
  return cpu;
}

interface Row { turns: number; variant: string; last_call_us: number; mean_call_us: number; }
const rows: Row[] = [];
for (const turns of TURNS) {
  const last = { on: [] as number[], off: [] as number[] };
  const mean = { on: [] as number[], off: [] as number[] };
  for (let c = -2; c < CONVERSATIONS; c++) {
    for (const v of c % 2 === 0 ? (["on", "off"] as const) : (["off", "on"] as const)) {
      const cpu = await conversation(services[v], turns);
      if (c < 0) continue; // warm-up: JIT, lazy lexicon and model loads
      last[v].push(cpu[cpu.length - 1]);
      mean[v].push(cpu.reduce((a, b) => a + b, 0) / cpu.length);
    }
  }
  for (const v of ["on", "off"] as const) rows.push({ turns, variant: v, last_call_us: round3(summarize(last[v]).mean), mean_call_us: round3(summarize(mean[v]).mean) });
}

process.stdout.write(`guard CPU per call over a conversation, default policies, µs (${CONVERSATIONS} conversations per length; load ${loadavg()[0].toFixed(1)})\n`);
process.stdout.write(`${"user turns".padEnd(11)} ${"memo".padEnd(5)} ${"last call".padStart(10)} ${"mean call".padStart(10)} ${"off ÷ on (last, mean)".padStart(24)}\n`);
for (const r of rows) {
  const off = rows.find((x) => x.turns === r.turns && x.variant === "off")!;
  const ratio = r.variant === "on" ? `${(off.last_call_us / r.last_call_us).toFixed(2)}×, ${(off.mean_call_us / r.mean_call_us).toFixed(2)}×` : "";
  process.stdout.write(`${String(r.turns).padEnd(11)} ${r.variant.padEnd(5)} ${r.last_call_us.toFixed(0).padStart(10)} ${r.mean_call_us.toFixed(0).padStart(10)} ${ratio.padStart(24)}\n`);
}
process.stdout.write(`${JSON.stringify({ bench: "guard-memo", rows, memo: { hits: services.on.memo.hits, misses: services.on.memo.misses, chars: services.on.memo.chars } })}\n`);

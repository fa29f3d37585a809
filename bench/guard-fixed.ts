/**
 * The guard's fixed cost on a small chat: `node --import tsx bench/guard-fixed.ts [--baseline REV] [--rounds N]`.
 *
 * One request's whole screening as the gateway runs it — RequestGuard.screenInput, the deferred
 * log-only input scanners, screenCompletion of a short answer, the trace's records() — with the
 * default policies, in process, CPU per request (process.cpuUsage over batches of requests).
 * Bodies: the load benchmark's chat (bench/load.ts `chatBody`: a 281-byte request whose user turn
 * is 75 characters) with an answer of the simulator's words, and a 1 KB user turn and answer of
 * realistic text (guard-corpus.ts).
 *
 * `--baseline REV`: the tree of git revision REV is extracted (`git archive`) and imported into
 * this same process, and batches of the two alternate, so that machine noise hits both alike.
 * The baseline is imported first: of two copies of the same tree, the one imported second ran
 * 5–15 % slower here (an A/A run), so the order errs against this tree's figures.
 *
 * A measurement, not a test: prints a table and a JSON line, exits 0 whatever the numbers.
 * Target (issue 13 §5): ≤ 0.3 ms CPU per request for the whole guard.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { realisticText } from "./guard-corpus.js";
import { chatBody, letters } from "./load.js";
import { ROOT } from "./stack.js";
import { round3, summarize } from "./stats.js";

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const baselineRev = flag("--baseline");
const ROUNDS = Math.max(4, Number(flag("--rounds") ?? 40));
const BATCH = 25;

interface Guard {
  screenInput(body: unknown): Promise<unknown>;
  runDeferred(): Promise<void>;
  screenCompletion(c: unknown): Promise<unknown>;
  records(): unknown;
}
interface Variant {
  name: string;
  make(): Guard;
}

async function variantFrom(name: string, srcRoot: string): Promise<Variant> {
  const url = (p: string): string => pathToFileURL(join(srcRoot, p)).href;
  const { guardConfigSchema } = await import(url("guard/policy/config-schema.ts"));
  const { GuardService } = await import(url("guard/policy/guard-service.ts"));
  const { RequestGuard } = await import(url("guard/request-guard.ts"));
  const service = new GuardService(guardConfigSchema.parse({}));
  const id = { model: "bench", feature: null, keyId: null, keyName: null };
  return { name, make: () => new RequestGuard(service, service.resolve(id)) as Guard };
}

const variants: Variant[] = [];
let cleanup = (): void => {};
if (baselineRev) {
  const dir = mkdtempSync(join(tmpdir(), "keel-guard-fixed-"));
  cleanup = () => rmSync(dir, { recursive: true, force: true });
  const tar = execFileSync("git", ["archive", baselineRev, "src", "data"], { cwd: ROOT, maxBuffer: 1 << 30 });
  execFileSync("tar", ["-x", "-C", dir], { input: tar });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  variants.push(await variantFrom(`before (${baselineRev})`, join(dir, "src")));
}
variants.push(await variantFrom("after", join(ROOT, "src")));

const completion = (content: string): unknown => ({
  id: "bench", object: "chat.completion", created: 0, model: "bench",
  choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "length" }],
});
const chat = JSON.parse(chatBody("bench", false)) as { messages: { role: string; content: string }[] };
const CASES = [
  { name: "chat (75-char turn)", body: chat, answer: completion("The way to find a good book is to read the first page and then decide if you want more of") },
  { name: "1 KB turn", body: { ...chat, messages: [chat.messages[0], { role: "user", content: realisticText(1024) }] }, answer: completion(realisticText(1024)) },
];

let seq = 0;
/**
 * The case's body and answer, their last user turn and answer ending with a reference of letters
 * unique to this request: real traffic does not repeat a turn, and the guard's memo (decision 0038)
 * would otherwise answer every request after the first from memory.
 */
function varied(body: { messages: { role: string; content: string }[] }, answer: { choices: { message: { content: string } }[] }): [unknown, unknown] {
  const ref = ` (ref ${letters(seq++)})`;
  const messages = body.messages.map((m, i) => (i === body.messages.length - 1 ? { ...m, content: m.content + ref } : m));
  const a = answer.choices[0];
  return [{ ...body, messages }, { ...answer, choices: [{ ...a, message: { ...a.message, content: a.message.content + ref } }] }];
}

/**
 * CPU µs per request of the input side (screenInput + deferred) and the output side (screenCompletion,
 * its deferred scanners, records), over one batch; `answer`: screenCompletion alone, the part of
 * the output side a non-streaming client waits for.
 */
async function batch(v: Variant, template: unknown, answerTemplate: unknown): Promise<{ input: number; output: number; answer: number }> {
  let input = 0;
  let output = 0;
  let answerPath = 0;
  for (let i = 0; i < BATCH; i++) {
    const [body, answer] = varied(template as Parameters<typeof varied>[0], answerTemplate as Parameters<typeof varied>[1]);
    const g = v.make();
    const c0 = process.cpuUsage();
    try {
      await g.screenInput(body);
    } catch {
      // a block still ran its scanners
    }
    await g.runDeferred();
    const c1 = process.cpuUsage();
    try {
      await g.screenCompletion(answer);
    } catch {
      // idem
    }
    const cA = process.cpuUsage();
    await g.runDeferred(); // the answer's flag and log scanners, after the response in the gateway
    g.records();
    const c2 = process.cpuUsage();
    input += c1.user + c1.system - c0.user - c0.system;
    output += c2.user + c2.system - c1.user - c1.system;
    answerPath += cA.user + cA.system - c1.user - c1.system;
  }
  return { input: input / BATCH, output: output / BATCH, answer: answerPath / BATCH };
}

interface Row {
  case: string;
  variant: string;
  input_us: number;
  output_us: number;
  /** screenCompletion alone: what a non-streaming client waits for of the output side. */
  answer_path_us: number;
  total_us_mean: number;
  total_us_p50: number;
}
const rows: Row[] = [];
try {
  for (const c of CASES) {
    const samples = new Map(variants.map((v) => [v.name, { input: [] as number[], output: [] as number[], answer: [] as number[], total: [] as number[] }]));
    for (let r = -4; r < ROUNDS; r++) {
      for (const v of r % 2 === 0 ? variants : [...variants].reverse()) {
        const x = await batch(v, c.body, c.answer);
        if (r < 0) continue; // warm-up: JIT, lazy model and lexicon loads
        const s = samples.get(v.name)!;
        s.input.push(x.input);
        s.output.push(x.output);
        s.answer.push(x.answer);
        s.total.push(x.input + x.output);
      }
    }
    for (const v of variants) {
      const s = samples.get(v.name)!;
      const t = summarize(s.total);
      rows.push({ case: c.name, variant: v.name, input_us: round3(summarize(s.input).mean), output_us: round3(summarize(s.output).mean), answer_path_us: round3(summarize(s.answer).mean), total_us_mean: round3(t.mean), total_us_p50: round3(t.p50) });
    }
  }
} finally {
  cleanup();
}

process.stdout.write(`whole guard per request, default policies, CPU µs (batches of ${BATCH}, ${ROUNDS} rounds; load ${loadavg()[0].toFixed(1)})\n`);
process.stdout.write(`${"case".padEnd(20)} ${"variant".padEnd(18)} ${"input".padStart(8)} ${"output".padStart(8)} ${"answer".padStart(8)} ${"total".padStart(8)} ${"p50".padStart(8)}\n`);
for (const r of rows) {
  process.stdout.write(`${r.case.padEnd(20)} ${r.variant.padEnd(18)} ${r.input_us.toFixed(1).padStart(8)} ${r.output_us.toFixed(1).padStart(8)} ${r.answer_path_us.toFixed(1).padStart(8)} ${r.total_us_mean.toFixed(1).padStart(8)} ${r.total_us_p50.toFixed(1).padStart(8)}\n`);
}
for (const c of CASES) {
  const b = rows.find((r) => r.case === c.name && r.variant.startsWith("before"));
  const a = rows.find((r) => r.case === c.name && r.variant === "after");
  if (b && a) {
    process.stdout.write(`before ÷ after, ${c.name}: input ${(b.input_us / a.input_us).toFixed(2)}x, output ${(b.output_us / a.output_us).toFixed(2)}x, answer path ${(b.answer_path_us / a.answer_path_us).toFixed(2)}x, total ${(b.total_us_mean / a.total_us_mean).toFixed(2)}x\n`);
  }
}
process.stdout.write(`${JSON.stringify({ node: process.version, loadavg: loadavg().map(round3), baseline: baselineRev ?? null, rows })}\n`);

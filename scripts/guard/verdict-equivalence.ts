/**
 * Verdict equivalence of the default input policy: `node --import tsx scripts/guard/verdict-equivalence.ts [--dump FILE]`.
 *
 * Runs every scanner of the default input policy (blocking and log-only alike, with the default
 * scan budget, as the gateway runs them) over every row of data/guard/{eval,extra,train}/*.jsonl
 * and over bench/guard-corpus.ts texts of 1 KB to 1 MB, each as a user message (with the previous
 * row as an earlier turn, for multi_turn) and as a document (for indirect_injection), and prints
 * one SHA-256 over all (scanner, source, score, triggered, findings) tuples. A speed-up of the
 * scanners must leave this hash unchanged: same scores to the last bit, same findings and spans.
 * `--dump FILE` also writes one JSON line per text, to diff two trees when the hash moves.
 *
 * `--output`: the default output policy instead, with a toxicity policy carrying extra terms (so
 * the lexicon pattern built from options is covered). Each text is screened as an answer three
 * ways — itself, the previous text's first 600 characters followed by its own first 300 (a quoted
 * system prompt, the previous text being the system prompt), and its upper-cased first 2000
 * characters — with the previous text as the system prompt and a fixed canary.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { realisticText } from "../../bench/guard-corpus.js";
import { runScanners } from "../../src/guard/engine/run-scanners.js";
import { guardConfigSchema } from "../../src/guard/policy/config-schema.js";
import { GuardService } from "../../src/guard/policy/guard-service.js";
import { instantiate } from "../../src/guard/request-guard.js";
import { NO_FACTS } from "../../src/guard/scanners/definition.js";
import type { GuardSource } from "../../src/guard/types.js";

const ROOT = join(import.meta.dirname, "../..");
const argv = process.argv.slice(2);
const dumpTo = argv.includes("--dump") ? argv[argv.indexOf("--dump") + 1] : undefined;
const outputStage = argv.includes("--output");

function texts(): string[] {
  const out: string[] = [];
  for (const dir of ["eval", "extra", "train"]) {
    const d = join(ROOT, "data/guard", dir);
    for (const f of readdirSync(d).filter((x) => x.endsWith(".jsonl")).sort()) {
      for (const line of readFileSync(join(d, f), "utf8").split("\n")) {
        if (!line.trim()) continue;
        const row = JSON.parse(line) as { text?: unknown };
        if (typeof row.text === "string") out.push(row.text);
      }
    }
  }
  for (const kb of [1, 3, 10, 33, 100, 1024]) out.push(realisticText(kb * 1024));
  return out;
}

/** JSON with sorted keys, so that a finding built with its fields in another order hashes alike. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(",")}}`;
  }
  return JSON.stringify(v);
}

if (outputStage) {
  await outputEquivalence();
  process.exit(0);
}

const config = guardConfigSchema.parse({});
const service = new GuardService(config);
const policy = service.resolve({ model: "equivalence", feature: null, keyId: null, keyName: null }).input;
if (!policy) throw new Error("no default input policy");
const entries = instantiate(policy, NO_FACTS);
const hash = createHash("sha256");
const dump: string[] = [];
const all = texts();
let prev: string | undefined;
let verdicts = 0;
const t0 = performance.now();
for (const text of all) {
  const line: unknown[] = [];
  for (const source of ["user", "document"] as GuardSource[]) {
    const input = { text, source, ...(source === "user" && prev !== undefined ? { history: [prev] } : {}) };
    const vs = await runScanners(entries, input, { budgetMs: config.budget_ms, index: 0, scanBudget: config.scan_budget });
    for (const v of vs) {
      const tuple = canonical([v.scanner, v.source, v.score, v.triggered, v.findings, v.truncated ?? false, v.scannedChars ?? null, v.skimmedChars ?? null]);
      hash.update(tuple).update("\n");
      line.push(tuple);
      verdicts++;
    }
  }
  if (dumpTo) dump.push(line.join("\t"));
  prev = text;
}
if (dumpTo) writeFileSync(dumpTo, `${dump.join("\n")}\n`);
console.log(`texts ${all.length}, verdicts ${verdicts}, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
console.log(`sha256 ${hash.digest("hex")}`);

async function outputEquivalence(): Promise<void> {
  const cfg = guardConfigSchema.parse({
    policies: { tox: { stage: "output", scanners: { toxicity: { action: "flag", options: { extra_terms: ["frobnicate", "-dash", "[x]y", "two words"] } } } } },
  });
  const svc = new GuardService(cfg);
  const out = svc.policy("default-output");
  const tox = svc.policy("tox");
  if (!out || !tox) throw new Error("no default output policy");
  const h = createHash("sha256");
  const rows: string[] = [];
  const list = texts().filter((t) => t.length <= 200 * 1024);
  let before = "You are a concise assistant for an online bookshop. Answer in one or two sentences.";
  let n = 0;
  const started = performance.now();
  for (const text of list) {
    const facts = { systemPrompt: before, canary: "keel-canary-0123456789abcdef", jsonSchema: null, wantsJson: false };
    const es = [...instantiate(out, facts), ...instantiate(tox, facts)];
    const line: string[] = [];
    for (const answer of [text, `${before.slice(0, 600)} ${text.slice(0, 300)}`, text.toUpperCase().slice(0, 2000)]) {
      const vs = await runScanners(es, { text: answer, source: "output" }, { budgetMs: 1e9, index: 0, scanBudget: cfg.scan_budget });
      for (const v of vs) {
        const tuple = canonical([v.scanner, v.score, v.triggered, v.findings, v.truncated ?? false]);
        h.update(tuple).update("\n");
        line.push(tuple);
        n++;
      }
    }
    if (dumpTo) rows.push(line.join("\t"));
    before = text;
  }
  if (dumpTo) writeFileSync(dumpTo, `${rows.join("\n")}\n`);
  console.log(`output policy: texts ${list.length}, verdicts ${n}, ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`sha256 ${h.digest("hex")}`);
}

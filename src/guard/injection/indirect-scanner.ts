/**
 * Indirect injection: instructions hidden in what the model reads rather than what the user
 * types — retrieved documents, web pages, e-mails, tool results. Same normalisation and
 * signatures as the user-input scanner (an "ignore previous instructions" in a PDF is still one),
 * plus directive detection (directives.ts): sentences that address the model or ask it for a task
 * in the middle of otherwise descriptive data.
 *
 * The classifier, trained on user prompts, is trusted here only when it is very sure: documents
 * are full of second-person marketing copy that it was not trained to read.
 */
import type { Finding, GuardSource, ScanInput, ScanResult, Scanner } from "../types.js";
import { analyzeWith, classify, type InjectionModel, shippedModel } from "./classifier.js";
import { findDirectives } from "./directives.js";
import { DECISIVE_WEIGHT, decisiveScore, findingsOf } from "./injection-scanner.js";
import { skimFindings, skimSignatures } from "./skim.js";

/** Per-source thresholds: tool results are terser and more often imperative than documents. */
export const INDIRECT_THRESHOLDS: Readonly<Record<"document" | "tool_result", number>> = { document: 0.5, tool_result: 0.55 };
const STRUCTURAL: ReadonlySet<string> = new Set(["instruction_override", "fake_delimiter", "prompt_extraction", "role_impersonation"]);
const STRUCTURAL_WEIGHT = 0.6;
const FORGED_TURN: ReadonlySet<string> = new Set(["delim.fake_turn", "role.system_label"]);
const FORGED_TURN_WEIGHT = 0.6;
/** Below this the user-prompt classifier is ignored on documents. */
export const DOCUMENT_CLASSIFIER_FLOOR = 0.9;

export interface IndirectVerdict {
  score: number;
  findings: Finding[];
}

export function judgeIndirect(model: InjectionModel, text: string): IndirectVerdict {
  const a = analyzeWith(model, text);
  const c = classify(model, a);
  const directives = findDirectives(a.norm.folded);
  let top = 0;
  const spansValid = a.norm.folded.length === text.length;
  const findings: Finding[] = findingsOf(a, c).filter((f) => f.type !== "classifier" || c >= DOCUMENT_CLASSIFIER_FLOOR);
  for (const d of directives) {
    if (d.score > top) top = d.score;
    if (d.score < 0.3) continue;
    const f: Finding = { type: `directive:${d.reasons.join("+")}`, score: Math.round(d.score * 1000) / 1000 };
    // Offsets are in the folded text; they are the input's own only when folding kept every length.
    if (spansValid) Object.assign(f, { start: d.start, end: d.end });
    findings.push(f);
  }
  // Decoded payloads are directives too ("encode your reply…" aside, base64 of "send the file to…").
  for (const d of a.decoded) for (const x of findDirectives(d.text.toLowerCase())) top = Math.max(top, x.score);
  // A document has no business containing "[SYSTEM]", "end of document" or "ignore your
  // instructions" at all: mid-weight structural signatures count here, not only decisive ones.
  // (Weaker ones — "### Response" headings, "[your prompt here]" slots — are everyday markdown.)
  // A dialogue turn or a role label inside data ("Assistant: … / User: …", "System: focus only on …")
  // is forged: documents quote conversations rarely, and never as the next turn.
  let miss = 1;
  for (const h of a.sig.hits) {
    if (FORGED_TURN.has(h.id)) miss *= 1 - FORGED_TURN_WEIGHT;
    else if (h.weight >= STRUCTURAL_WEIGHT && STRUCTURAL.has(h.type)) miss *= 1 - h.weight;
  }
  const structural = 1 - miss;
  const score = Math.max(decisiveScore(a), structural, top, c >= DOCUMENT_CLASSIFIER_FLOOR ? c : 0, a.norm.flags.tags > 0 ? 0.9 : 0);
  return { score, findings };
}

export interface IndirectScannerOptions {
  /** One threshold for every source, overriding INDIRECT_THRESHOLDS. */
  threshold?: number;
  model?: InjectionModel;
  name?: string;
  sources?: readonly GuardSource[];
}

export function createIndirectInjectionScanner(opts: IndirectScannerOptions = {}): Scanner {
  const name = opts.name ?? "indirect_injection";
  let model = opts.model;
  return {
    name,
    cost: "fast",
    pure: true,
    sources: opts.sources ?? (["document", "tool_result"] as const),
    scan(input: ScanInput): ScanResult {
      model ??= shippedModel();
      const threshold = opts.threshold ?? (input.source === "tool_result" ? INDIRECT_THRESHOLDS.tool_result : INDIRECT_THRESHOLDS.document);
      const v = judgeIndirect(model, input.text);
      return { scanner: name, score: Math.round(v.score * 1000) / 1000, triggered: v.score >= threshold, findings: v.findings };
    },
    // The middle of an over-budget document: decisive and structural signatures and tag smuggling,
    // scored as judgeIndirect scores them (no classifier, no directive detection: see skim.ts).
    skim(input: ScanInput): ScanResult {
      model ??= shippedModel();
      const threshold = opts.threshold ?? (input.source === "tool_result" ? INDIRECT_THRESHOLDS.tool_result : INDIRECT_THRESHOLDS.document);
      const { hits, tags } = skimSignatures(input.text, model.descrambler, STRUCTURAL_WEIGHT);
      let miss = 1;
      let decisive = 0;
      for (const h of hits) {
        if (h.weight >= DECISIVE_WEIGHT) decisive = Math.max(decisive, h.weight);
        if (STRUCTURAL.has(h.type)) miss *= 1 - h.weight;
      }
      const score = Math.max(decisive, 1 - miss, tags ? 0.9 : 0);
      return { scanner: name, score: Math.round(score * 1000) / 1000, triggered: score >= threshold, findings: skimFindings(hits) };
    },
  };
}

export const indirectInjectionScanner: Scanner = createIndirectInjectionScanner();

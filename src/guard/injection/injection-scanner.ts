/**
 * The prompt-injection and jailbreak scanner for user input: normalisation → signatures →
 * classifier. The score is the classifier's probability, raised to the strongest decisive
 * signature when one matched: a textbook "ignore all previous instructions" must not depend on
 * how much such text the training data happened to hold.
 */
import type { Finding, GuardSource, ScanInput, ScanResult, Scanner } from "../types.js";
import type { Analysis } from "./analyze.js";
import { analyzeWith, classify, type InjectionModel, shippedModel } from "./classifier.js";
import { SIGNATURE_TYPES } from "./signatures.js";
import { skimFindings, skimSignatures } from "./skim.js";

/** A signature this strong decides on its own (see signatures.ts for the weights). */
export const DECISIVE_WEIGHT = 0.7;

export interface InjectionVerdict {
  score: number;
  classifier: number;
  signatures: number;
  findings: Finding[];
  analysis: Analysis;
}

/** Findings from an analysis: one per signature type, one per obfuscation, one for the classifier. */
export function findingsOf(a: Analysis, classifier: number): Finding[] {
  const out: Finding[] = [];
  // SIGNATURE_TYPES is byType's key order (signatures.ts builds it so): no entries array per call.
  for (const type of SIGNATURE_TYPES) {
    const score = a.sig.byType[type];
    if (score > 0) out.push({ type, score: round(score) });
  }
  const f = a.norm.flags;
  if (f.tags > 0 || f.bidi > 0) out.push({ type: "invisible_text", score: 0.9 });
  else if (f.invisible > 0) out.push({ type: "invisible_characters", score: 0.3 });
  if (f.mixedScript > 0) out.push({ type: "homoglyphs", score: 0.5 });
  if (f.leet + f.spaced + f.scrambled > 0) out.push({ type: "obfuscated_words", score: 0.3 });
  for (const d of a.decoded) out.push({ type: `encoded_${d.encoding}`, score: a.decodedHits > 0 ? 0.8 : 0.3 });
  out.push({ type: "classifier", score: round(classifier) });
  return out;
}

export function decisiveScore(a: Analysis): number {
  let best = 0;
  for (const h of a.sig.hits) if (h.weight >= DECISIVE_WEIGHT && h.weight > best) best = h.weight;
  return best;
}

export function judgeInjection(model: InjectionModel, text: string): InjectionVerdict {
  const analysis = analyzeWith(model, text);
  const classifier = classify(model, analysis);
  const score = Math.max(classifier, decisiveScore(analysis));
  return { score, classifier, signatures: analysis.sig.score, findings: findingsOf(analysis, classifier), analysis };
}

export interface InjectionScannerOptions {
  /** Trigger at score ≥ threshold; default the threshold chosen by cross-validation for the shipped model. */
  threshold?: number;
  model?: InjectionModel;
  name?: string;
  sources?: readonly GuardSource[];
}

export function createInjectionScanner(opts: InjectionScannerOptions = {}): Scanner {
  const name = opts.name ?? "prompt_injection";
  const sources = opts.sources ?? (["user"] as const);
  let model = opts.model;
  return {
    name,
    cost: "fast",
    pure: true,
    sources,
    scan(input: ScanInput): ScanResult {
      model ??= shippedModel();
      const threshold = opts.threshold ?? model.threshold;
      const v = judgeInjection(model, input.text);
      return { scanner: name, score: round(v.score), triggered: v.score >= threshold, findings: v.findings };
    },
    // The middle of an over-budget text: only decisive signatures, which score alone in scan() too.
    skim(input: ScanInput): ScanResult {
      model ??= shippedModel();
      const threshold = opts.threshold ?? model.threshold;
      const { hits } = skimSignatures(input.text, model.descrambler, DECISIVE_WEIGHT);
      const score = hits.reduce((m, h) => Math.max(m, h.weight), 0);
      return { scanner: name, score: round(score), triggered: score >= threshold, findings: skimFindings(hits) };
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** The default user-input injection scanner (shipped model, cross-validated threshold). */
export const injectionScanner: Scanner = createInjectionScanner();

/**
 * Citation verification: each citation must resolve to a chunk retrieved for this call
 * (else `citation_fabricated`), and that chunk must support the cited sentence by the RAG
 * evaluators' groundedness claim check (else `citation_unsupported`). Offline by default —
 * lexical support, the faithfulness evaluator's `method: lexical` — or an LLM judge when given.
 */
import type { ChatClient } from "../evaluators/judge/chat-client.js";
import type { JudgeConfig } from "../evaluators/judge/judge-options.js";
import { judgeStatementCheck } from "../evaluators/rag/claims.js";
import { lexicalSupport } from "../evaluators/rag/metrics.js";
import { contentTokens } from "../evaluators/text.js";
import type { Citation, ParsedAnswer } from "./parse.js";
import { type CitableChunk, normalizeUrl } from "./sources.js";

export type CitationVerdict = "supported" | "unsupported" | "fabricated";
export type CitationFlag = "citation_unsupported" | "citation_fabricated";

export interface CitationResult {
  kind: Citation["kind"];
  ref: string;
  sentence: number;
  claim: string;
  verdict: CitationVerdict;
  /** Lexical method: the best share of the claim's content words found in a resolved chunk. */
  support?: number;
  /** Which chunks the citation resolved to (indexes into the sources given). */
  chunks: number[];
  /** Why, in words, when not supported. */
  why?: string;
}

export interface CitationReport {
  results: CitationResult[];
  /** The distinct flags raised, for the trace and the guard. */
  flags: CitationFlag[];
  supported: number;
  unsupported: number;
  fabricated: number;
  costUsd: number;
}

export interface VerifyOptions {
  /** Lexical method: share of a claim's content words one chunk must hold (as `support_threshold`). */
  supportThreshold?: number;
  /** When set, an LLM judge decides support instead of the lexical check. */
  judge?: { client: ChatClient; cfg: JudgeConfig };
  signal?: AbortSignal;
}

export const DEFAULT_SUPPORT_THRESHOLD = 0.7;

/** The chunks a citation points at; empty means it points at nothing retrieved for this call. */
export function resolveCitation(c: Citation, chunks: readonly CitableChunk[]): number[] {
  const idx = (pred: (x: CitableChunk) => boolean): number[] => chunks.flatMap((x, i) => (pred(x) ? [i] : []));
  switch (c.kind) {
    case "numeric": {
      const n = Number(c.ref);
      const numbered = idx((x) => x.number === n);
      if (numbered.length > 0 || chunks.some((x) => x.number !== undefined)) return numbered;
      // Chunks carried without numbers are numbered in the order given, from 1.
      return n >= 1 && n <= chunks.length ? [n - 1] : [];
    }
    case "file_search": {
      if (c.label && c.label !== "source") {
        const byName = idx((x) => x.filename === c.label);
        if (byName.length > 0) return byName;
      }
      // 【m:i†…】: i is the result's position (0-based) in the file-search output of message m.
      const m = /^(?:\d+:)?(\d+)$/.exec(c.ref);
      const i = m ? Number(m[1]) : NaN;
      return Number.isInteger(i) && i < chunks.length ? [i] : [];
    }
    case "url": {
      const want = normalizeUrl(c.ref);
      return idx((x) => x.url !== undefined && normalizeUrl(x.url) === want);
    }
    case "file_citation":
      return idx((x) => x.fileId === c.ref);
  }
}

/**
 * The offline check, synchronous: what the guard's stream screen can run at the end of a stream
 * (it runs no asynchronous scanner there). Same verdicts as `verifyCitations` without a judge.
 */
export function verifyCitationsLexical(parsed: ParsedAnswer, chunks: readonly CitableChunk[], supportThreshold = DEFAULT_SUPPORT_THRESHOLD): CitationReport {
  const results: CitationResult[] = [];
  for (const c of parsed.citations) {
    const pre = precheck(parsed, c, chunks);
    if ("verdict" in pre) {
      results.push(pre);
      continue;
    }
    const support = lexicalSupport(pre.base.claim, pre.context);
    const ok = support >= supportThreshold;
    results.push({ ...pre.base, verdict: ok ? "supported" : "unsupported", support, chunks: pre.hit, ...(ok ? {} : { why: `the cited chunk holds ${(support * 100).toFixed(0)}% of the sentence's content words (< ${(supportThreshold * 100).toFixed(0)}%)` }) });
  }
  return summarise(results, 0);
}

type Base = Pick<CitationResult, "kind" | "ref" | "sentence" | "claim">;

/** Resolution and the empty-claim case, shared by both methods; otherwise what support is checked against. */
function precheck(parsed: ParsedAnswer, c: Citation, chunks: readonly CitableChunk[]): CitationResult | { base: Base; hit: number[]; context: string[] } {
  const claim = parsed.sentences[c.sentence]?.claim ?? "";
  const base = { kind: c.kind, ref: c.ref, sentence: c.sentence, claim };
  const hit = resolveCitation(c, chunks);
  if (hit.length === 0) return { ...base, verdict: "fabricated", chunks: [], why: `no chunk retrieved for this call matches ${c.kind} citation ${JSON.stringify(c.ref).slice(0, 120)}` };
  if (contentTokens(claim).length === 0) return { ...base, verdict: "unsupported", chunks: hit, why: "the cited sentence makes no claim to check" };
  return { base, hit, context: hit.map((i) => chunks[i].text) };
}

/** Verifies every citation of a parsed answer against the chunks retrieved for the call. */
export async function verifyCitations(parsed: ParsedAnswer, chunks: readonly CitableChunk[], o: VerifyOptions = {}): Promise<CitationReport> {
  const threshold = o.supportThreshold ?? DEFAULT_SUPPORT_THRESHOLD;
  if (!o.judge) return verifyCitationsLexical(parsed, chunks, threshold);
  const judge = o.judge;
  const results: CitationResult[] = [];
  let costUsd = 0;
  for (const c of parsed.citations) {
    const pre = precheck(parsed, c, chunks);
    if ("verdict" in pre) {
      results.push(pre);
      continue;
    }
    const r = await judgeStatementCheck(judge.client, judge.cfg, [pre.base.claim], pre.context, o.signal);
    costUsd += r.costUsd;
    if (!r.ok) {
      results.push({ ...pre.base, verdict: "unsupported", chunks: pre.hit, why: `the judge failed: ${r.error}` });
      continue;
    }
    const ok = r.claims[0]?.supported === true;
    results.push({ ...pre.base, verdict: ok ? "supported" : "unsupported", chunks: pre.hit, ...(ok ? {} : { why: "the judge found the cited chunk does not support the sentence" }) });
  }
  return summarise(results, costUsd);
}

function summarise(results: CitationResult[], costUsd: number): CitationReport {
  const count = (v: CitationVerdict): number => results.filter((r) => r.verdict === v).length;
  const unsupported = count("unsupported");
  const fabricated = count("fabricated");
  const flags: CitationFlag[] = [];
  if (unsupported > 0) flags.push("citation_unsupported");
  if (fabricated > 0) flags.push("citation_fabricated");
  return { results, flags, supported: count("supported"), unsupported, fabricated, costUsd };
}

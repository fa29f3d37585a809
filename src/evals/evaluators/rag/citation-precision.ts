import { parseCitations } from "../../citations/parse.js";
import { verifyCitations } from "../../citations/verify.js";
import { judgeFingerprint, requireJudge } from "../judge/judge-options.js";
import { defineEvaluator } from "../spec.js";
import { failed, notDefined, scored } from "../types.js";
import { citationPrecisionKind } from "./citation-schema.js";

/**
 * Citation precision = |supported citations| / |citations of the output|, each citation resolved
 * against the item's context chunks — numbered 1…n in rank order for [n], by position for
 * 【m:i†…】, by a URL inside a chunk for a URL — and checked by the groundedness claim check.
 * A citation that resolves to no chunk is fabricated; `details.fabricated_share` is their share.
 */
export const citationPrecisionSpec = defineEvaluator({
  ...citationPrecisionKind,
  create(o, deps) {
    const judge = o.method === "judge" ? { client: requireJudge("citation_precision", deps), cfg: { ...o, model: o.model! } } : null;
    const threshold = o.threshold ?? 0.8;
    return {
      name: o.name ?? "citation_precision", kind: "citation_precision", family: "rag", threshold,
      fingerprint: judge ? judgeFingerprint("citation_precision", { model: o.model }) : undefined,
      async evaluate(c, signal) {
        if (c.context === undefined) return notDefined("no_context", "the item has no retrieved context");
        const parsed = parseCitations(c.output);
        if (parsed.citations.length === 0) return notDefined("no_claims", "the output cites nothing");
        signal?.throwIfAborted();
        const chunks = c.context.map((text, i) => {
          const url = /\bhttps?:\/\/[^\s<>()[\]{}"'`【】]+/.exec(text)?.[0].replace(/[.,;:!?]+$/, "");
          return { text, number: i + 1, ...(url ? { url } : {}) };
        });
        let report;
        try {
          report = await verifyCitations(parsed, chunks, { supportThreshold: o.support_threshold, ...(judge ? { judge } : {}), signal });
        } catch (err) {
          if (signal?.aborted) throw signal.reason;
          return failed(`citation check failed: ${String(err)}`);
        }
        const n = report.results.length;
        const details = {
          supported: report.supported, unsupported: report.unsupported, fabricated: report.fabricated,
          fabricated_share: report.fabricated / n,
          citations: report.results.map((r) => ({ kind: r.kind, ref: r.ref, verdict: r.verdict, ...(r.support === undefined ? {} : { support: Math.round(r.support * 1000) / 1000 }) })),
        };
        return scored(report.supported / n, threshold, `${report.supported} of ${n} citations supported; ${report.unsupported} unsupported, ${report.fabricated} fabricated`, { cost_usd: report.costUsd, details });
      },
    };
  },
});

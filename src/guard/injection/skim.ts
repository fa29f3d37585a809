/**
 * The middle of a text past the scan budget (engine/scan-budget.ts), read in one linear pass:
 * normalised (invisible characters, homoglyphs, leetspeak, spacing and scrambles folded, as for
 * the full scan) and matched against the signatures strong enough to count without the
 * classifier, in overlapping chunks so that a phrase across a chunk edge is still seen whole.
 *
 * What the skim does not do, and the windows do: the classifier (a paraphrased jailbreak with no
 * signature phrase), decoding of base64/hex/ROT13 payloads, and directive detection in documents.
 * docs/guardrails.md ("Scan budget") weighs what that leaves an attacker.
 */
import type { Finding } from "../types.js";
import { normalize } from "./normalize.js";
import { matchSignatures, type SignatureHit } from "./signatures.js";
import type { Descrambler } from "./typoglycemia.js";

/** Chunk length: bounds the memory of one normalisation; the cost is linear either way. */
export const SKIM_CHUNK = 16_384;
/** Characters each chunk re-reads of the one before: longer than any signature's match. */
export const SKIM_OVERLAP = 512;

export interface SkimResult {
  hits: SignatureHit[];
  /** Unicode tag characters were found (smuggled text; the indirect scanner scores it). */
  tags: boolean;
}

/** Signature hits of weight ≥ `minWeight` anywhere in `text`, each signature reported once. */
export function skimSignatures(text: string, descrambler: Descrambler | null, minWeight: number): SkimResult {
  const best = new Map<string, SignatureHit>();
  let tags = false;
  for (let at = 0; at < text.length; at += SKIM_CHUNK) {
    const from = Math.max(0, at - SKIM_OVERLAP);
    const n = normalize(text.slice(from, at + SKIM_CHUNK), descrambler);
    if (n.flags.tags > 0) tags = true;
    for (const h of matchSignatures(n.folded, n.original, minWeight).hits) {
      if (!best.has(h.id)) best.set(h.id, { ...h, index: from + h.index });
    }
    if (n.smuggled !== "") for (const h of matchSignatures(normalize(n.smuggled, descrambler).folded, n.smuggled, minWeight).hits) if (!best.has(h.id)) best.set(h.id, h);
  }
  return { hits: [...best.values()], tags };
}

/** One finding per signature type, at its strongest hit (the same shape the full scan reports). */
export function skimFindings(hits: readonly SignatureHit[]): Finding[] {
  const byType = new Map<string, number>();
  for (const h of hits) byType.set(h.type, Math.max(byType.get(h.type) ?? 0, h.weight));
  return [...byType].map(([type, score]) => ({ type, score }));
}

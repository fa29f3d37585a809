/**
 * One pass over a text that every injection detector shares: normalise, decode hidden segments,
 * and match signatures on every readable view (the text, each decoded segment, tag-smuggled text).
 * Decoded views are rescanned once, not recursively: base64 inside base64 is left to the classifier.
 */
import { decodeSegments, type DecodedSegment } from "./decode.js";
import { normalize, type NormalizedText } from "./normalize.js";
import { matchSignatures, mergeSignatureResults, type SignatureResult } from "./signatures.js";
import type { Descrambler } from "./typoglycemia.js";

export interface Analysis {
  norm: NormalizedText;
  decoded: DecodedSegment[];
  /** Signature hits over the text and every decoded view. */
  sig: SignatureResult;
  /** The folded text followed by every decoded view, folded: what the classifier reads. */
  folded: string;
  /** How many decoded views carried at least one signature hit. */
  decodedHits: number;
}

export function analyze(text: string, descrambler: Descrambler | null): Analysis {
  const norm = normalize(text, descrambler);
  const original = norm.original;
  const results: SignatureResult[] = [matchSignatures(norm.folded, original)];
  const decoded = decodeSegments(original);
  if (norm.smuggled !== "") decoded.push({ encoding: "tags", text: norm.smuggled });
  let decodedHits = 0;
  let folded = norm.folded;
  for (const d of decoded) {
    const n = normalize(d.text, descrambler);
    folded += `\n${n.folded}`;
    const r = matchSignatures(n.folded, d.text);
    if (r.hits.length > 0) decodedHits++;
    results.push(r);
  }
  return { norm, folded, decoded, sig: results.length === 1 ? results[0] : mergeSignatureResults(results), decodedHits };
}


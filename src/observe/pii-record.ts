import type { PiiType } from "../guard/pii/entity.js";
import { maskCapturedBody, maskedTypes, maskPiiText, type PiiHasher, type PiiMasker } from "./pii-mask.js";
import type { TraceRecord } from "./types.js";
import type { CaptureConfig } from "./pii-capture-schema.js";
import { type PiiCaller, resolvePiiPolicy } from "./pii-policy.js";

/**
 * Applies each record's capture PII policy (`record.pii`, set by the gateway) to everything of it
 * that can hold personal data — bodies, metadata values, attempt errors — and drops the policy, so
 * what is stored is masked. Runs in the writer worker, before the insert. Without a hash key,
 * `hash` masks: failing closed, never storing a value in the clear for want of a key.
 */
export function applyPiiPolicies(records: readonly TraceRecord[], hasher: PiiHasher | undefined, maxBodyChars: number): void {
  const maskers = new Map<string, PiiMasker>();
  for (const r of records) {
    const p = r.pii;
    if (!p) continue;
    delete r.pii;
    const id = `${p.mode}:${p.keep.join(",")}`;
    let m = maskers.get(id);
    if (!m) maskers.set(id, (m = { types: maskedTypes(p.keep as PiiType[]), hasher: p.mode === "hash" ? hasher : undefined }));
    r.requestBody = maskCapturedBody(r.requestBody, m, maxBodyChars);
    r.responseBody = maskCapturedBody(r.responseBody, m, maxBodyChars);
    for (const [k, v] of Object.entries(r.metadata)) if (typeof v === "string") r.metadata[k] = maskPiiText(v, m);
    for (const a of r.attempts) if (a.error) a.error = maskPiiText(a.error, m);
  }
}

/**
 * Application spans sent to Keel's OTLP intake carry what their instrumentation put there, often
 * prompts and answers (`gen_ai.input.messages`): their string attributes are masked under the
 * sending key's policy before the span store writes them.
 */
export function maskSpanAttributes<S extends { attributes: Record<string, string | number | boolean> }>(spans: readonly S[], m: PiiMasker): void {
  for (const s of spans) {
    for (const [k, v] of Object.entries(s.attributes)) if (typeof v === "string") s.attributes[k] = maskPiiText(v, m);
  }
}

/** Masks one piece of text a caller sends about a call (feedback comments, corrections) under that call's policy. */
export type CallTextMasker = (who: PiiCaller, text: string) => string;

export function callTextMasker(cfg: CaptureConfig, hasher: PiiHasher | undefined): CallTextMasker {
  return (who, text) => {
    const p = resolvePiiPolicy(cfg, who);
    return p.mode === "keep" ? text : maskPiiText(text, { types: maskedTypes(p.keep), hasher: p.mode === "hash" ? hasher : undefined });
  };
}

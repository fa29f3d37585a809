import { z } from "zod";
import { HIGH_RISK_PII, SOFT_PII } from "./pii-classes.js";

/**
 * `capture:` in keel.yaml — what of the personal data in captured bodies is stored
 * (docs/privacy.md). `mask` (default) replaces each detected value by its class, `hash` by its
 * class and a keyed hash of the value (the same value gives the same placeholder, so traces still
 * correlate), `keep` stores bodies as they are and marks the trace `pii_kept`.
 */
export const piiModeSchema = z.enum(["mask", "hash", "keep"]);
export type PiiMode = z.output<typeof piiModeSchema>;

/**
 * Classes stored verbatim under `mask`/`hash`. Only the lower-risk classes may be listed: a payment
 * card or national id is never kept unless the whole policy is `keep`.
 */
const keepTypesSchema = z.array(z.enum(SOFT_PII as unknown as [string, ...string[]], {
  error: (issue) => HIGH_RISK_PII.includes(String(issue.input) as never)
    ? `${String(issue.input)} is a high-risk class and is always masked under mask and hash; only ${SOFT_PII.join(", ")} may be kept (or set pii: keep)`
    : `unknown PII class ${JSON.stringify(issue.input)}; expected one of ${SOFT_PII.join(", ")}`,
})).max(SOFT_PII.length);

export const piiPolicySchema = z.strictObject({
  pii: piiModeSchema.default("mask"),
  keep_types: keepTypesSchema.default([]),
});

export const captureConfigSchema = z
  .strictObject({
    pii: piiModeSchema.default("mask"),
    keep_types: keepTypesSchema.default([]),
    /** Per route or model name (what the client sent as `model`). */
    routes: z.record(z.string().min(1).max(256), piiPolicySchema).default({}),
    /** Per virtual key, by id (key_…) or name; a key's policy wins over its route's. */
    keys: z.record(z.string().min(1).max(128), piiPolicySchema).default({}),
  })
  .prefault({});

export type CaptureConfig = z.output<typeof captureConfigSchema>;

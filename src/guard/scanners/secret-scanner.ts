import { findSecrets } from "../../secrets/redact.js";
import type { Finding, ScanInput } from "../types.js";
import { result, type ScannerDefinition } from "./definition.js";
import { secretOptions, type SecretOptions } from "./secret-options.js";

// Candidate tokens for the entropy check: base64/base64url/hex-ish runs, bounded.
const TOKEN_RE = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{16,512}(?![A-Za-z0-9+/_=-])/g;

export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * A token that looks like a key: long, high entropy, letters and digits mixed, not a plain hex
 * digest or UUID (commit hashes and ids are everywhere in benign text) nor a path or word run.
 */
function randomToken(tok: string, o: SecretOptions): boolean {
  if (tok.length < o.min_length) return false;
  if (/^[0-9a-f]+$/i.test(tok) || /^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(tok)) return false;
  if (!/\d/.test(tok) || !/[a-z]/.test(tok) || !/[A-Z]/.test(tok)) return false;
  if (/^[A-Za-z]+(?:[-_/][A-Za-z]+)+$/.test(tok) || tok.includes("//")) return false;
  return shannonEntropy(tok) >= o.min_entropy;
}

/** Credentials: the provider-key, JWT, private-key and connection-string rules of secrets/redact.ts, plus entropy. */
export const secretScanner: ScannerDefinition<SecretOptions> = {
  name: "secrets",
  options: secretOptions,
  create(o) {
    return {
      name: "secrets",
      cost: "fast",
      pure: true,
      large: "whole",
      sources: ["user", "document", "tool_result", "output"],
      scan(input: ScanInput) {
        const findings: Finding[] = findSecrets(input.text).map((s) => ({ type: s.type, start: s.start, end: s.end, score: 0.95 }));
        if (o.entropy) {
          for (const m of input.text.matchAll(TOKEN_RE)) {
            const end = m.index + m[0].length;
            if (findings.some((f) => f.start! < end && m.index < f.end!)) continue;
            if (randomToken(m[0], o)) findings.push({ type: "high_entropy", start: m.index, end, score: 0.7 });
          }
        }
        return result("secrets", findings, 0.5);
      },
    };
  },
  redaction: () => ({ label: "SECRET", restorable: false }),
};

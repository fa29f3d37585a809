import { test } from "node:test";
import assert from "node:assert/strict";
import { findSecrets, maskSecrets } from "../../secrets/redact.js";
import { secretOptions } from "./secret-options.js";
import { secretScanner } from "./secret-scanner.js";

// Built from parts so that the fixtures themselves do not look like live keys to scanners.
const fake = (n: number, alphabet = "abcdef0123456789"): string => Array.from({ length: n }, (_, i) => alphabet[(i * 7 + 3) % alphabet.length]).join("");
const CASES: [string, string][] = [
  ["sendgrid", "SG." + fake(22, "AbCdEfGh12345678") + "." + fake(43, "AbCdEfGh12345678")],
  ["twilio", "SK" + fake(32)],
  ["npm", "npm_" + fake(36, "AbCdEfGh12345678")],
  ["huggingface", "hf_" + fake(34, "AbCdEfGh12345678")],
  ["gcp", "GOCSPX-" + fake(28, "AbCdEfGh12345678")],
  ["shopify", "shpat_" + fake(32)],
  ["digitalocean", "dop_v1_" + fake(64)],
  ["databricks", "dapi" + fake(32)],
  ["azure", "abc8Q~" + fake(34, "AbCdEfGh12345678")],
];

test("findSecrets: provider keys with their spans, the same rules maskSecrets applies", () => {
  for (const [type, secret] of CASES) {
    const text = `config: ${secret} # rotate`;
    const spans = findSecrets(text);
    assert.equal(spans.length, 1, `${type}: ${JSON.stringify(spans)}`);
    assert.equal(spans[0].type, type);
    assert.ok(text.slice(spans[0].start, spans[0].end).length >= 20);
    assert.ok(maskSecrets(text).includes(`[REDACTED:${type}]`));
  }
  const conn = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=" + fake(86, "AbCdEfGh12345678+/") + "==;EndpointSuffix=core.windows.net";
  assert.deepEqual(findSecrets(conn).map((s) => s.type), ["azure"]);
  assert.deepEqual(findSecrets("postgres://app:s3cret-Pa55@db:5432/x").map((s) => s.type), ["password"]);
});

test("the secrets scanner adds high-entropy tokens and spares hashes, UUIDs and prose", () => {
  const s = secretScanner.create(secretOptions.parse({}));
  const random = "q7Lm2Xv9Rt4Kp8Wz3Ny6Bc1Hd5Fg0Js2Ae7Uo";
  const r = s.scan({ text: `token ${random} here`, source: "user" }) as ReturnType<typeof s.scan> & { findings: { type: string }[] };
  assert.deepEqual(r.findings.map((f) => f.type), ["high_entropy"]);
  for (const benign of ["commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b", "id 123e4567-e89b-12d3-a456-426614174000", "see /usr/local/lib/node_modules/typescript/lib", "The quick brown fox jumps over the lazy dog"]) {
    const b = s.scan({ text: benign, source: "user" }) as { triggered: boolean };
    assert.equal(b.triggered, false, benign);
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { maskCapturedBody, maskedTypes, maskPiiDeep, maskPiiText, PII_CUT_SLACK } from "./pii-mask.js";
import { derivePiiHashKey, piiHasher } from "../secrets/pii-hash.js";
import { captureBody } from "./capture.js";

const mask = { types: maskedTypes([]) };
const hashWith = (key: Buffer) => ({ types: maskedTypes([]), hasher: piiHasher(derivePiiHashKey(key)) });

test("every class the scanner knows is masked by its label", () => {
  const text = "Card 4111 1111 1111 1111, IBAN GB82 WEST 1234 5698 7654 32, SSN 123-45-6789, NI number AB 12 34 56 C, "
    + "SIN: 046 454 286, DNI 12345678Z, mail ada@example.org, call (415) 555-0132, my name is Siiri Lahtinen, ship to 221B Baker Street, London NW1 6XE";
  const out = maskPiiText(text, mask);
  for (const raw of ["4111 1111 1111 1111", "GB82 WEST", "123-45-6789", "AB 12 34 56 C", "046 454 286", "12345678Z", "ada@example.org", "555-0132", "Lahtinen", "Baker Street"]) {
    assert.ok(!out.includes(raw), `${raw} left in: ${out}`);
  }
  for (const label of ["credit_card", "iban", "us_ssn", "uk_nino", "ca_sin", "es_dni", "email", "phone", "person", "street_address"]) {
    assert.ok(out.includes(`[PII:${label}]`), `[PII:${label}] missing: ${out}`);
  }
});

test("kept classes stay, high-risk ones go", () => {
  const out = maskPiiText("mail ada@example.org, card 4111 1111 1111 1111", { types: maskedTypes(["EMAIL"]) });
  assert.equal(out, "mail ada@example.org, card [PII:credit_card]");
});

test("hash placeholders are keyed, stable per value and canonical over formatting", () => {
  const key = randomBytes(32);
  const a = maskPiiText("card 4111 1111 1111 1111", hashWith(key));
  const b = maskPiiText("visa 4111-1111-1111-1111", hashWith(key));
  const other = maskPiiText("card 5500 0000 0000 0004", hashWith(key));
  const otherInstall = maskPiiText("card 4111 1111 1111 1111", hashWith(randomBytes(32)));
  const tag = (s: string): string => /\[PII:credit_card:([0-9a-f]{16})\]/.exec(s)![1];
  assert.equal(tag(a), tag(b), "the same card correlates");
  assert.notEqual(tag(a), tag(other));
  assert.notEqual(tag(a), tag(otherInstall), "the digest depends on the install's key");
});

test("escapes inside JSON text in a string (tool arguments) neither hide a value nor break the JSON", () => {
  const args = JSON.stringify({ note: "line\nSiiri Lahtinen said: my name is Siiri Lahtinen", card: "4111 1111 1111 1111" });
  const body = { choices: [{ message: { tool_calls: [{ function: { name: "pay", arguments: args } }] } }] };
  const out = maskPiiDeep(body, mask) as typeof body;
  const masked = out.choices[0].message.tool_calls[0].function.arguments;
  assert.ok(!masked.includes("4111") && !masked.includes("Lahtinen"), masked);
  assert.doesNotThrow(() => JSON.parse(masked));
  assert.equal(body.choices[0].message.tool_calls[0].function.arguments, args, "the input is not mutated");
});

test("a captured body cut at max_body_chars: a value at the cut is masked, then cut", () => {
  const max = 40;
  const value = { content: `${"x".repeat(30)} card 4111 1111 1111 1111 and more text after it` };
  const captured = captureBody(value, "redacted", max + PII_CUT_SLACK)!;
  const out = maskCapturedBody(captured, mask, max)!;
  assert.ok(!out.includes("4111") && !out.includes("1111 11"), out);
  assert.match(out, /…\[truncated \d+ chars\]$/);
  assert.equal(out.indexOf("…"), max);
  // Cut even before masking (a body past max + slack): the count still adds up.
  const long = captureBody({ content: "y".repeat(1000) }, "redacted", 100)!;
  const cut = maskCapturedBody(long, mask, 50)!;
  assert.equal(cut, `${long.slice(0, 50)}…[truncated ${1014 - 50} chars]`);
  assert.equal(maskCapturedBody(null, mask, 10), null);
});

test("a body's strings scanned together find what each string alone would", () => {
  const values = ["card 4111 1111 1111 1111", "IBAN GB82 WEST 1234 5698 7654 32", "SSN 123-45-6789", "NI number AB 12 34 56 C", "SIN: 046 454 286",
    "DNI 12345678Z", "mail ada@example.org", "call (415) 555-0132", "my name is Siiri Lahtinen", "ship to 221B Baker Street, London NW1 6XE", "Siiri", "ok"];
  for (const a of values) {
    for (const b of values) {
      assert.deepEqual(maskPiiDeep({ a, nested: [b] }, mask), { a: maskPiiText(a, mask), nested: [maskPiiText(b, mask)] }, `${a} | ${b}`);
    }
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { PlaceholderVault } from "./vault.js";

test("conceal hides every redacted value behind its placeholder, restorable or not", () => {
  const v = new PlaceholderVault();
  const text = "mail ada@x.example, key sk-123456";
  const red = v.redact(text, [{ start: 5, end: 18, label: "EMAIL", restorable: true }, { start: 24, end: 33, label: "SECRET", restorable: false }]);
  assert.equal(red, "mail [EMAIL_1], key [SECRET_1]");
  assert.equal(v.conceal("Sent to ada@x.example (ada@x.example); sk-123456 is gone"), "Sent to [EMAIL_1] ([EMAIL_1]); [SECRET_1] is gone");
});

test("conceal matches at word edges only, so a short name does not eat longer words", () => {
  const v = new PlaceholderVault();
  v.redact("Al", [{ start: 0, end: 2, label: "PERSON", restorable: true }]);
  assert.equal(v.conceal("Also, Al called Al."), "Also, [PERSON_1] called [PERSON_1].");
});

test("an empty vault returns the text as is", () => {
  assert.equal(new PlaceholderVault().conceal("nothing here"), "nothing here");
});

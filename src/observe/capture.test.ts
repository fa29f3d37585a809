import { test } from "node:test";
import assert from "node:assert/strict";
import { captureBody } from "./capture.js";

const answer = { id: "c1", choices: [{ index: 0, message: { role: "assistant", content: "Hello there" } }] };

test("captureBody stores the text as sent when masking and concealing change nothing", () => {
  // a marker text proves which path ran: the sent text is used as is, never re-derived
  const sent = `${JSON.stringify(answer)} `;
  assert.equal(captureBody(answer, "redacted", 10_000, undefined, sent), sent);
  assert.equal(captureBody(answer, "full", 10_000, undefined, sent), sent);
  assert.equal(captureBody(answer, "redacted", 10_000), JSON.stringify(answer));
  assert.equal(captureBody(answer, "none", 10_000, undefined, sent), null);
  // the cut applies to the sent text too
  assert.equal(captureBody(answer, "redacted", 10, undefined, sent), `${sent.slice(0, 10)}…[truncated ${sent.length - 10} chars]`);
});

test("captureBody serialises again when masking or the vault changed the body", () => {
  const leaky = { choices: [{ message: { role: "assistant", content: "key: sk-proj-abcdefghijklmnopqrstuvwx0123456789" } }] };
  const sent = JSON.stringify(leaky);
  const stored = captureBody(leaky, "redacted", 10_000, undefined, sent)!;
  assert.ok(stored.includes("[REDACTED:openai]") && !stored.includes("sk-proj-"), stored);
  assert.equal(captureBody(leaky, "full", 10_000, undefined, sent), sent);
  const concealed = captureBody(answer, "redacted", 10_000, (t) => t.replaceAll("Hello", "[HIDDEN]"), JSON.stringify(answer))!;
  assert.ok(concealed.includes("[HIDDEN] there"), concealed);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { dpoRow, ktoRow, openAiDpoRow, sftRow } from "./training-formats.js";

// The published examples' shapes, rebuilt with their own texts; each row must equal them exactly
// (deepEqual compares field names, nesting and order-insensitive keys; JSON.stringify the key order too).

test("SFT row is OpenAI chat fine-tuning's {messages} with the answer as the last, assistant turn", () => {
  const published = { messages: [{ role: "system", content: "Marv is a factual chatbot that is also sarcastic." }, { role: "user", content: "What's the capital of France?" }, { role: "assistant", content: "Paris, as if everyone doesn't know that already." }] };
  const row = sftRow([{ role: "system", content: "Marv is a factual chatbot that is also sarcastic." }, { role: "user", content: "What's the capital of France?" }], "Paris, as if everyone doesn't know that already.");
  assert.deepEqual(row, published);
  assert.equal(JSON.stringify(row), JSON.stringify(published));
});

test("DPO row is TRL's conversational preference type: prompt turns, chosen and rejected as assistant turns", () => {
  const published = { prompt: [{ role: "user", content: "What color is the sky?" }], chosen: [{ role: "assistant", content: "It is blue." }], rejected: [{ role: "assistant", content: "It is green." }] };
  const row = dpoRow([{ role: "user", content: "What color is the sky?" }], "It is blue.", "It is green.");
  assert.equal(JSON.stringify(row), JSON.stringify(published));
});

test("OpenAI preference row: input.messages, preferred_output and non_preferred_output as one assistant message each", () => {
  const published = {
    input: { messages: [{ role: "user", content: "Hello, can you tell me how cold San Francisco is today?" }] },
    preferred_output: [{ role: "assistant", content: "Today in San Francisco, it is not quite cold as expected." }],
    non_preferred_output: [{ role: "assistant", content: "It is not particularly cold in San Francisco today." }],
  };
  const row = openAiDpoRow([{ role: "user", content: "Hello, can you tell me how cold San Francisco is today?" }], "Today in San Francisco, it is not quite cold as expected.", "It is not particularly cold in San Francisco today.");
  assert.equal(JSON.stringify(row), JSON.stringify(published));
  assert.equal(row.preferred_output.length, 1);
});

test("KTO row is TRL's conversational unpaired preference type: prompt, completion, boolean label", () => {
  const published = { prompt: [{ role: "user", content: "What color is the sky?" }], completion: [{ role: "assistant", content: "It is green." }], label: false };
  assert.equal(JSON.stringify(ktoRow([{ role: "user", content: "What color is the sky?" }], "It is green.", false)), JSON.stringify(published));
  assert.equal(typeof ktoRow([{ role: "user", content: "x" }], "y", true).label, "boolean");
});

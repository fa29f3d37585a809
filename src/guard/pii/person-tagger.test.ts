import { test } from "node:test";
import assert from "node:assert/strict";
import modelJson from "./person-tagger.json" with { type: "json" };
import { detectPii } from "./detect-pii.js";
import { detectPersons, detectPersonsByTagger } from "./person-detector.js";
import { candidates, featureProb, modelFromJson, scoredCandidates, shippedTagger, tagPersons } from "./person-tagger.js";

const persons = (text: string): string[] => detectPii(text).filter((e) => e.type === "PERSON").map((e) => text.slice(e.start, e.end));
const byRules = (text: string): string[] => detectPersons(text, null).map((e) => text.slice(e.start, e.end));

test("the tagger finds unlisted names the rules miss: after a preposition, opening a sentence", () => {
  // Neither name is in the lexicon and no cue announces them: the rules alone find nothing.
  for (const [text, name] of [
    ["I forwarded the invoice to Tamsin Oyelowo this morning.", "Tamsin Oyelowo"],
    ["Oksana Brydon approved the refund.", "Oksana Brydon"],
  ]) {
    assert.deepEqual(byRules(text), [], text);
    assert.deepEqual(persons(text), [name], text);
  }
});

test("organisations and places stay vetoed for the tagger's spans", () => {
  for (const text of [
    "Reed Elsevier Inc reported higher revenue.",
    "We signed with Reed Elsevier Inc last year.",
    "She banks with Morgan Stanley Bank now.",
    "The Sokolov Orchestra played.",
    "Flights from Los Angeles to San Francisco are delayed.",
    "Kind regards,\nthe support team",
  ]) {
    assert.deepEqual(persons(text), [], text);
    assert.deepEqual(detectPersonsByTagger(text).map((e) => text.slice(e.start, e.end)), [], text);
  }
});

test("deterministic: the same text gives the same spans, and a model parsed twice scores alike", () => {
  const text = "Notes from the call with Ilse Varga: Dagny Ferreira-Lund will send the draft to Tamsin Oyelowo.";
  const first = tagPersons(text);
  assert.ok(first.length > 0);
  assert.deepEqual(tagPersons(text), first);
  assert.deepEqual(tagPersons(text, modelFromJson(modelJson)), first);
});

test("the tagger's string-free scoring sums exactly the trainer's features", () => {
  const model = shippedTagger();
  const text = "SUBJECT: Invoice|FROM: Ana Lima <ana@example.com>\nHi Ruairí, Matej's report (by J. Okafor-Smith) is late. However, Alabama and O'Neil's team...";
  const slow = candidates(text).map((c) => ({ start: c.start, end: c.end, prob: featureProb(model, c.features) }));
  const fast = scoredCandidates(text, model);
  assert.equal(fast.length, slow.length);
  fast.forEach((f, i) => {
    assert.equal(f.start, slow[i].start);
    assert.ok(Math.abs(f.prob - slow[i].prob) < 1e-12, text.slice(f.start, f.end));
  });
});

test("the committed weights carry their provenance and thresholds", () => {
  assert.match(modelJson.provenance, /tune half/);
  assert.match(modelJson.provenance, /MIT/);
  assert.ok(modelJson.threshold > 0 && modelJson.threshold < 1 && modelJson.lone_threshold >= modelJson.threshold);
  assert.ok(Object.keys(modelJson.weights).length > 100);
});

test("the pii option person_tagger: false runs the name rules alone", () => {
  const text = "I forwarded the invoice to Tamsin Oyelowo this morning.";
  assert.deepEqual(detectPii(text, { personTagger: false }).filter((e) => e.type === "PERSON"), []);
  assert.equal(detectPii(text).filter((e) => e.type === "PERSON").length, 1);
});

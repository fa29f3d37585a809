import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseCitations } from "./parse.js";
import { numberedDocuments } from "./sources.js";

const refs = (text: string): string[] => parseCitations(text).citations.map((c) => `${c.kind}:${c.ref}@${c.sentence}`);

describe("parseCitations", () => {
  test("numeric markers, lists and ranges map to their sentence", () => {
    assert.deepEqual(refs("The tower is 330 m tall [1]. It opened in 1889 [2,3]. Paint is renewed [4-6]."), [
      "numeric:1@0", "numeric:2@1", "numeric:3@1", "numeric:4@2", "numeric:5@2", "numeric:6@2",
    ]);
  });

  test("a marker after the full stop belongs to the sentence before it", () => {
    const p = parseCitations("The tower is 330 m tall. [1] It opened in 1889. [2]");
    assert.deepEqual(p.citations.map((c) => c.sentence), [0, 1]);
    assert.equal(p.sentences[0].claim, "The tower is 330 m tall.");
    assert.equal(p.sentences[1].claim, "It opened in 1889.");
  });

  test("claims have markers removed", () => {
    const p = parseCitations("Support opens at 9 [1][2] on weekdays.");
    assert.equal(p.sentences[0].claim, "Support opens at 9 on weekdays.");
    assert.deepEqual(p.citations.map((c) => c.ref), ["1", "2"]);
  });

  test("OpenAI file-search markers keep index and label", () => {
    const p = parseCitations("Refunds take 5 days【4:0†refunds.md】. Returns are free【4:1†source】.");
    assert.deepEqual(p.citations.map((c) => [c.kind, c.ref, c.label, c.sentence]), [
      ["file_search", "4:0", "refunds.md", 0], ["file_search", "4:1", "source", 1],
    ]);
    assert.equal(p.sentences[0].claim, "Refunds take 5 days.");
  });

  test("URLs lose trailing punctuation and do not split sentences", () => {
    const p = parseCitations("See https://docs.example.com/a.b/c. Then stop.");
    assert.deepEqual(p.citations.map((c) => c.ref), ["https://docs.example.com/a.b/c"]);
    assert.equal(p.sentences.length, 2);
    assert.equal(p.sentences[0].claim, "See.");
  });

  test("file_citation annotations: Assistants shape replaces its marker, Responses shape uses index", () => {
    const text = "Refunds take 5 days【4:0†source】. Returns are free.";
    const a = parseCitations(text, [{ type: "file_citation", text: "【4:0†source】", start_index: 19, end_index: 31, file_citation: { file_id: "file-1" } }]);
    assert.deepEqual(a.citations.map((c) => [c.kind, c.ref, c.sentence]), [["file_citation", "file-1", 0]]);
    const b = parseCitations("Refunds take 5 days. Returns are free.", [{ type: "file_citation", file_id: "file-2", filename: "r.md", index: 38 }]);
    assert.deepEqual(b.citations.map((c) => [c.kind, c.ref, c.label, c.sentence]), [["file_citation", "file-2", "r.md", 1]]);
    assert.deepEqual(parseCitations("x", [{ type: "url_citation" }, { type: "file_citation" }]).citations, []);
  });

  test("hostile input: huge ranges, markdown links, empty text, out-of-range indexes", () => {
    assert.deepEqual(refs("Big [1-9999]."), ["numeric:1@0", "numeric:9999@0"]);
    assert.deepEqual(refs("Link [1](https://x.io)."), ["url:https://x.io@0"]);
    assert.deepEqual(parseCitations(""), { sentences: [], citations: [] });
    const p = parseCitations("A.", [{ type: "file_citation", file_id: "f", index: 1e9 }]);
    assert.equal(p.citations[0].sentence, 0);
    const long = "word [1] ".repeat(20000);
    const t0 = Date.now();
    assert.equal(parseCitations(long).citations.length, 20000);
    assert.ok(Date.now() - t0 < 5000);
  });
});

describe("numberedDocuments", () => {
  test("reads [n] lines, Document n: lines and <document index> tags", () => {
    const docs = numberedDocuments([
      "Answer from the sources and cite them.",
      "[1] The tower is 330 m tall.",
      "It is made of iron.",
      "",
      "Document 2: Opened in 1889. https://example.org/tower#history",
      '<document index="3">Repainted every seven years.</document>',
    ].join("\n"));
    const byNum = Object.fromEntries(docs.map((d) => [d.number, d]));
    assert.equal(byNum[1].text, "The tower is 330 m tall.\nIt is made of iron.");
    assert.equal(byNum[2].url, "https://example.org/tower#history");
    assert.equal(byNum[3].text, "Repainted every seven years.");
    assert.equal(docs.length, 3);
  });
});

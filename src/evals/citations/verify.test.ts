import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { simJudge } from "../testing/sim-clients.js";
import { parseCitations } from "./parse.js";
import type { CitableChunk } from "./sources.js";
import { verifyCitations } from "./verify.js";

const chunks: CitableChunk[] = [
  { number: 1, text: "The Eiffel Tower is 330 metres tall.", url: "https://example.org/eiffel" },
  { number: 2, text: "The tower opened to the public in 1889.", fileId: "file-b", filename: "history.md" },
];

describe("verifyCitations (lexical)", () => {
  test("supported, unsupported and fabricated numeric citations", async () => {
    const r = await verifyCitations(parseCitations("The Eiffel Tower is 330 metres tall [1]. The tower opened in 1925 to tourists [1]. It is painted brown [7]."), chunks);
    assert.deepEqual(r.results.map((x) => x.verdict), ["supported", "unsupported", "fabricated"]);
    assert.deepEqual(r.flags, ["citation_unsupported", "citation_fabricated"]);
    assert.equal(r.supported + r.unsupported + r.fabricated, 3);
    assert.match(r.results[2].why!, /no chunk/);
  });

  test("URL, file-search and file_citation citations resolve by url, position/filename and file id", async () => {
    const r = await verifyCitations(parseCitations(
      "The Eiffel Tower is 330 metres tall (https://example.org/eiffel/). It opened to the public in 1889【4:1†source】. It opened to the public in 1889【4:0†history.md】. Tall tower https://other.org/x.",
      [{ type: "file_citation", file_id: "file-zzz", index: 0 }],
    ), chunks);
    const v = r.results.map((x) => `${x.kind}:${x.verdict}`);
    assert.deepEqual(v, ["file_citation:fabricated", "url:supported", "file_search:supported", "file_search:supported", "url:fabricated"]);
  });

  test("chunks carried without numbers are numbered in order", async () => {
    const r = await verifyCitations(parseCitations("The tower opened to the public in 1889 [2]. Something [3]."), chunks.map((c) => ({ text: c.text })));
    assert.deepEqual(r.results.map((x) => x.verdict), ["supported", "fabricated"]);
  });

  test("no citations, no flags", async () => {
    const r = await verifyCitations(parseCitations("Plain answer."), chunks);
    assert.deepEqual(r, { results: [], flags: [], supported: 0, unsupported: 0, fabricated: 0, costUsd: 0 });
  });
});

describe("verifyCitations (judge)", () => {
  test("the sim judge decides support when configured; fabricated citations never reach it", async () => {
    const judge = simJudge([
      { match: "It measures 330 m", json: { supported: [true] } },
      { match: "It opened in 1925", json: { supported: [false] } },
    ]);
    const r = await verifyCitations(parseCitations("It measures 330 m [1]. It opened in 1925 [2]. Made up [9]."), chunks, {
      judge: { client: judge, cfg: { model: "sim", temperature: 0, max_attempts: 1, json_mode: false } },
    });
    assert.deepEqual(r.results.map((x) => x.verdict), ["supported", "unsupported", "fabricated"]);
    assert.equal(judge.calls, 2);
  });
});

/**
 * Builds data/knowledge/citation-set.jsonl from data/knowledge/citation-passages.json: a set of
 * answers whose citations are labelled good, unsupported or fabricated, over a mix of marker
 * styles. Deterministic (no randomness): running it again gives the same file.
 *
 *   node --import tsx scripts/knowledge/build-citation-set.ts
 *
 * Per passage t (20 of them) eight cases, each with four context chunks numbered 1…4 (t and three
 * neighbours, t at a rotating position), each chunk carrying a URL, a file id and a filename:
 *   good/verbatim     the passage's fact sentence, citing t
 *   good/paraphrase   a hand-written paraphrase of it, citing t (the lexical check's hard case)
 *   good+unsup/list   the fact citing [t, other]: t supports it, the other chunk does not
 *   unsup/wrong_chunk the fact citing a neighbour
 *   unsup/altered     the fact with a number or name changed, citing t (one-word changes)
 *   fab/out_of_range  a number, or a file-search index, past the context
 *   fab/unknown_url   a URL no chunk has
 *   fab/unknown_file  an annotation or a filename no chunk has
 */
import { readFileSync, writeFileSync } from "node:fs";

interface Passage { text: string; fact: string; paraphrase: string; altered: string }
type Label = "good" | "unsupported" | "fabricated";
type Style = "numeric" | "numeric_list" | "file_search" | "url" | "file_citation";

const root = new URL("../../", import.meta.url);
const { passages } = JSON.parse(readFileSync(new URL("data/knowledge/citation-passages.json", root), "utf8")) as { passages: Passage[] };
const STYLES: Style[] = ["numeric", "file_search", "url", "file_citation"];
const lines: string[] = [];
let id = 0;

function contextFor(t: number): { order: number[]; chunks: { number: number; text: string; url: string; file_id: string; filename: string }[] } {
  const order = [t, (t + 1) % passages.length, (t + 7) % passages.length, (t + 13) % passages.length];
  // Rotate so t is not always chunk 1.
  const k = t % 4;
  const rotated = [...order.slice(k), ...order.slice(0, k)];
  return {
    order: rotated,
    chunks: rotated.map((p, i) => ({
      number: i + 1, text: `${passages[p].text} Source: https://help.larkspur.example/articles/${p + 100}`,
      url: `https://help.larkspur.example/articles/${p + 100}`, file_id: `file-lark${String(p).padStart(3, "0")}`, filename: `article-${p + 100}.md`,
    })),
  };
}

/** One sentence plus its citation in the given style, pointing at chunk position `pos` (0-based) or a made-up target. */
function cite(sentence: string, style: Style, target: { pos: number; chunk: { url: string; file_id: string; filename: string } } | { fake: true }): { answer: string; annotations?: unknown[] } {
  const body = sentence.replace(/\.$/, "");
  const fake = "fake" in target;
  switch (style) {
    case "numeric":
    case "numeric_list":
      return { answer: `${body} [${fake ? 7 : target.pos + 1}].` };
    case "file_search":
      return { answer: `${body}【4:${fake ? 9 : target.pos}†${fake ? "source" : target.chunk.filename}】.` };
    case "url":
      return { answer: `${body} (${fake ? "https://help.larkspur.example/articles/999" : target.chunk.url}).` };
    case "file_citation": {
      const answer = `${body}.`;
      return { answer, annotations: [{ type: "file_citation", file_id: fake ? "file-nowhere" : target.chunk.file_id, filename: fake ? "nowhere.md" : target.chunk.filename, index: answer.length }] };
    }
  }
}

function push(t: number, label: Label, variant: string, style: Style, c: ReturnType<typeof contextFor>, r: { answer: string; annotations?: unknown[] }, expected: Label[]): void {
  id++;
  lines.push(JSON.stringify({ id: `cite-${String(id).padStart(3, "0")}`, passage: t, class: label, variant, style, context: c.chunks, answer: `Here is what the help centre says. ${r.answer}`, ...(r.annotations ? { annotations: r.annotations.map((a) => ({ ...(a as object), index: (a as { index: number }).index + 35 })) } : {}), expected }));
}

passages.forEach((p, t) => {
  const c = contextFor(t);
  const pos = c.order.indexOf(t);
  const other = (pos + 1) % 4;
  const s = (k: number): Style => STYLES[(t + k) % STYLES.length];
  const at = (q: number) => ({ pos: q, chunk: c.chunks[q] });
  push(t, "good", "verbatim", s(0), c, cite(p.fact, s(0), at(pos)), ["good"]);
  push(t, "good", "paraphrase", s(1), c, cite(p.paraphrase, s(1), at(pos)), ["good"]);
  push(t, "unsupported", "list", "numeric_list", c, { answer: `${p.fact.replace(/\.$/, "")} [${pos + 1}, ${other + 1}].` }, ["good", "unsupported"]);
  push(t, "unsupported", "wrong_chunk", s(2), c, cite(p.fact, s(2), at(other)), ["unsupported"]);
  push(t, "unsupported", "altered", s(3), c, cite(p.altered, s(3), at(pos)), ["unsupported"]);
  const fabStyle: Style = t % 2 === 0 ? "numeric" : "file_search";
  push(t, "fabricated", "out_of_range", fabStyle, c, cite(p.fact, fabStyle, { fake: true }), ["fabricated"]);
  push(t, "fabricated", "unknown_url", "url", c, cite(p.fact, "url", { fake: true }), ["fabricated"]);
  push(t, "fabricated", "unknown_file", "file_citation", c, cite(p.fact, "file_citation", { fake: true }), ["fabricated"]);
});

writeFileSync(new URL("data/knowledge/citation-set.jsonl", root), `${lines.join("\n")}\n`);
console.log(`wrote ${lines.length} cases to data/knowledge/citation-set.jsonl`);

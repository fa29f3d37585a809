/**
 * Citation parsing: finds the citations an answer makes and the sentence that carries each one.
 * Pure and linear in the answer's length; the verifier (`verify.ts`) decides whether they hold.
 *
 * Marker styles: numeric `[1]`, `[1,2]`, `[1-3]`; OpenAI file-search markers `【4:0†source】`;
 * bare URLs; and OpenAI `file_citation` annotations (Assistants shape with `file_citation.file_id`
 * and `start_index`, or Responses shape with `file_id` and `index`).
 */

export type CitationKind = "numeric" | "file_search" | "url" | "file_citation";

export interface Citation {
  kind: CitationKind;
  /** What it points at: "2" for [2], "4:0" for 【4:0†…】, the URL, or the file id. */
  ref: string;
  /** The label after † in a file-search marker, or an annotation's filename. */
  label?: string;
  /** The marker's span in the answer (an annotation's `index` gives start = end). */
  start: number;
  end: number;
  /** Index of the carrying sentence in `ParsedAnswer.sentences`. */
  sentence: number;
}

export interface Sentence {
  /** The sentence with every citation marker and URL removed: what is checked against the source. */
  claim: string;
  start: number;
  end: number;
}

export interface ParsedAnswer {
  sentences: Sentence[];
  citations: Citation[];
}

/** An OpenAI annotation as either API returns it; unknown shapes are ignored. */
export interface CitationAnnotation {
  type: string;
  text?: string;
  start_index?: number;
  end_index?: number;
  index?: number;
  file_id?: string;
  filename?: string;
  file_citation?: { file_id?: string; quote?: string };
}

/** A numeric range wider than this is read as its two ends: `[1-9999]` must not expand to 9,999 refs. */
const MAX_RANGE = 50;
const NUMERIC = /\[(\d{1,4}(?:\s*[-–,]\s*\d{1,4})*)\](?!\()/g;
const FILE_SEARCH = /【([^†】\n]{1,40})(?:†([^】\n]{0,200}))?】/g;
const URL = /\bhttps?:\/\/[^\s<>()[\]{}"'`【】]+/g;
const TRAILING = /[.,;:!?]+$/;

interface Marker { kind: CitationKind; refs: string[]; label?: string; start: number; end: number }

function numericRefs(body: string): string[] {
  const out: string[] = [];
  for (const part of body.split(",")) {
    const m = /^\s*(\d+)\s*(?:[-–]\s*(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a || b - a > MAX_RANGE) out.push(String(a), ...(m[2] === undefined ? [] : [String(b)]));
    else for (let n = a; n <= b; n++) out.push(String(n));
  }
  return [...new Set(out)];
}

function findMarkers(text: string): Marker[] {
  const markers: Marker[] = [];
  for (const m of text.matchAll(NUMERIC)) markers.push({ kind: "numeric", refs: numericRefs(m[1]), start: m.index, end: m.index + m[0].length });
  for (const m of text.matchAll(FILE_SEARCH)) {
    markers.push({ kind: "file_search", refs: [m[1].trim()], ...(m[2] === undefined ? {} : { label: m[2].trim() }), start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(URL)) {
    const url = m[0].replace(TRAILING, "");
    markers.push({ kind: "url", refs: [url], start: m.index, end: m.index + url.length });
  }
  return markers.filter((m) => m.refs.length > 0).sort((a, b) => a.start - b.start);
}

/**
 * Sentence spans. A sentence ends after . ! ? followed by whitespace, or at a line break — the
 * rule of the evaluators' `splitSentences` — except inside a marker or URL. Markers right after
 * the end ("… in 1889. [2]") belong to the sentence they follow, as writers place them both ways.
 */
function sentenceSpans(text: string, markers: readonly Marker[]): { start: number; end: number }[] {
  const inMarker = new Uint8Array(text.length);
  for (const m of markers) inMarker.fill(1, m.start, m.end);
  const spans: { start: number; end: number }[] = [];
  let start = 0;
  let i = 0;
  const citeAt = (p: number): Marker | undefined => markers.find((m) => m.start === p && m.kind !== "url");
  while (i < text.length) {
    const c = text[i];
    const stop = c === "\n" || (!inMarker[i] && (c === "." || c === "!" || c === "?") && (i + 1 === text.length || /\s/.test(text[i + 1])));
    if (!stop) { i++; continue; }
    let end = c === "\n" ? i : i + 1;
    // Pull trailing markers (and the whitespace before them, on the same line) into this sentence.
    let j = end;
    for (;;) {
      let k = j;
      while (k < text.length && (text[k] === " " || text[k] === "\t")) k++;
      const m = citeAt(k);
      if (!m) break;
      j = m.end;
      end = j;
    }
    spans.push({ start, end });
    start = end;
    i = Math.max(end, i + 1);
  }
  if (start < text.length) spans.push({ start, end: text.length });
  return spans.filter((s) => text.slice(s.start, s.end).trim().length > 0);
}

function claimText(text: string, span: { start: number; end: number }, markers: readonly Marker[]): string {
  let out = "";
  let p = span.start;
  for (const m of markers) {
    if (m.end <= span.start || m.start >= span.end) continue;
    out += text.slice(p, Math.max(p, m.start));
    p = Math.max(p, m.end);
  }
  out += text.slice(p, span.end);
  return out.replace(/\(\s*\)/g, "").replace(/\s+([.,;:!?])/g, "$1").replace(/\s+/g, " ").trim();
}

function sentenceOf(spans: readonly { start: number; end: number }[], pos: number): number {
  for (let i = 0; i < spans.length; i++) if (pos < spans[i].end) return i;
  return Math.max(0, spans.length - 1);
}

/** Parses an answer's citations. Annotations are optional; a marker they annotate is not counted twice. */
export function parseCitations(text: string, annotations: readonly CitationAnnotation[] = []): ParsedAnswer {
  const markers = findMarkers(text);
  const spans = sentenceSpans(text, markers);
  const sentences = spans.map((s) => ({ ...s, claim: claimText(text, s, markers) }));
  const citations: Citation[] = [];
  const annotated = new Set<number>();
  for (const a of annotations) {
    if (a.type !== "file_citation") continue;
    const fileId = a.file_citation?.file_id ?? a.file_id;
    if (!fileId) continue;
    const start = clampIndex(a.start_index ?? a.index, text.length);
    const end = clampIndex(a.end_index ?? a.index, text.length);
    // Assistants annotations cover the 【…】 marker itself: that marker is this citation.
    for (const m of markers) if (m.kind === "file_search" && m.start < Math.max(end, start + 1) && m.end > start) annotated.add(m.start);
    const at = start > 0 && start === end ? start - 1 : start;
    citations.push({ kind: "file_citation", ref: fileId, ...(a.filename ? { label: a.filename } : {}), start, end, sentence: sentenceOf(spans, at) });
  }
  for (const m of markers) {
    if (annotated.has(m.start)) continue;
    for (const ref of m.refs) citations.push({ kind: m.kind, ref, ...(m.label === undefined ? {} : { label: m.label }), start: m.start, end: m.end, sentence: sentenceOf(spans, m.start) });
  }
  citations.sort((a, b) => a.start - b.start);
  return { sentences, citations };
}

function clampIndex(n: number | undefined, length: number): number {
  return typeof n === "number" && Number.isFinite(n) ? Math.min(Math.max(0, Math.trunc(n)), length) : length;
}

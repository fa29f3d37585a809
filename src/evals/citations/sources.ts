/**
 * What an answer may cite: the chunks retrieved for THIS call. They come from Keel's retrieval
 * spans linked to the call's trace, or from the request itself — numbered context documents in
 * the prompt (`[1] …`, `<document index="1">…</document>`) and file-search results.
 */

export interface CitableChunk {
  text: string;
  /** The number a numeric marker uses for it ([n]); 1-based. */
  number?: number;
  fileId?: string;
  filename?: string;
  url?: string;
  chunkId?: string;
}

const NUMBERED_LINE = /^\s*(?:\[(\d{1,4})\]|(?:source|document|doc|context)\s*#?\s*(\d{1,4})\s*[:.)-])\s*(.*)$/i;
const DOC_TAG = /<(?:document|doc|source)\b[^>]*?\b(?:index|id|number)\s*=\s*["']?(\d{1,4})["']?[^>]*>([\s\S]*?)<\/(?:document|doc|source)>/gi;
const URL_IN = /\bhttps?:\/\/[^\s<>()[\]{}"'`【】]+/;

/**
 * Numbered context documents in a prompt. A `[n]` (or `Document n:`) at the start of a line opens
 * document n, which runs to the next such line or a blank line; `<document index="n">` tags are
 * read too. A URL inside a document is its source URL.
 */
export function numberedDocuments(prompt: string): CitableChunk[] {
  const out: CitableChunk[] = [];
  for (const m of prompt.matchAll(DOC_TAG)) out.push(withUrl({ number: Number(m[1]), text: m[2].trim() }));
  let open: { number: number; lines: string[] } | null = null;
  const close = (): void => {
    if (open && open.lines.join(" ").trim()) out.push(withUrl({ number: open.number, text: open.lines.join("\n").trim() }));
    open = null;
  };
  for (const line of prompt.replace(DOC_TAG, "").split("\n")) {
    const m = NUMBERED_LINE.exec(line);
    if (m) {
      close();
      open = { number: Number(m[1] ?? m[2]), lines: [m[3]] };
    } else if (line.trim() === "") close();
    else if (open) (open as { lines: string[] }).lines.push(line);
  }
  close();
  return out;
}

function withUrl(c: CitableChunk): CitableChunk {
  const u = URL_IN.exec(c.text);
  return u ? { ...c, url: u[0].replace(/[.,;:!?]+$/, "") } : c;
}

/** File-search results as the Responses API and vector-store search return them (`file_id`, `filename`, text). */
export function fileSearchResults(results: readonly unknown[]): CitableChunk[] {
  const out: CitableChunk[] = [];
  for (const r of results) {
    if (typeof r !== "object" || r === null) continue;
    const o = r as Record<string, unknown>;
    const text = typeof o.text === "string" ? o.text
      : Array.isArray(o.content) ? o.content.map((c) => (typeof c === "object" && c && typeof (c as { text?: unknown }).text === "string" ? (c as { text: string }).text : "")).join("\n")
        : "";
    if (!text) continue;
    out.push({
      text,
      ...(typeof o.file_id === "string" ? { fileId: o.file_id } : {}),
      ...(typeof o.filename === "string" ? { filename: o.filename } : {}),
    });
  }
  return out;
}

/** URLs compare without fragment, trailing slash, or case of scheme and host. */
export function normalizeUrl(u: string): string {
  try {
    const x = new URL(u);
    x.hash = "";
    return `${x.protocol}//${x.host.toLowerCase()}${x.pathname.replace(/\/+$/, "")}${x.search}`;
  } catch {
    return u.replace(/#.*$/, "").replace(/\/+$/, "");
  }
}

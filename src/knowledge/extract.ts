import { isUtf8 } from "node:buffer";
import { createRequire } from "node:module";

/** Why a file could not be turned into text: becomes the attachment's `last_error`. */
export class ExtractError extends Error {
  constructor(readonly code: "unsupported_file" | "invalid_file", message: string) {
    super(message);
  }
}

export type FileKind = "text" | "markdown" | "html" | "pdf";

const EXTENSIONS: Record<string, FileKind> = {
  txt: "text", text: "text", csv: "text", json: "text", log: "text",
  md: "markdown", markdown: "markdown",
  html: "html", htm: "html",
  pdf: "pdf",
};

/** The kind from the content first (a PDF's magic bytes), then the file name's extension. */
export function kindOf(filename: string, bytes: Uint8Array): FileKind | null {
  if (bytes.length >= 5 && Buffer.from(bytes.subarray(0, 5)).toString("latin1") === "%PDF-") return "pdf";
  const ext = filename.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return ext ? EXTENSIONS[ext] ?? null : null;
}

/**
 * The text of a file. Text and Markdown are read as UTF-8 (Markdown kept as written: its markup
 * is short and carries headings that help keyword search); HTML through node-html-parser, dropping
 * script, style and template contents; PDF through unpdf (pdf.js, bundled: no network, no worker).
 * Throws ExtractError for an unsupported or unreadable file — never anything else.
 */
export async function extractText(filename: string, bytes: Uint8Array): Promise<string> {
  const kind = kindOf(filename, bytes);
  if (kind === null) throw new ExtractError("unsupported_file", `Unsupported file type for ${JSON.stringify(filename)}: use .txt, .md, .html or .pdf.`);
  if (kind === "pdf") return pdfText(bytes);
  if (!isUtf8(bytes)) throw new ExtractError("invalid_file", `${kind} file is not valid UTF-8.`);
  const text = Buffer.from(bytes).toString("utf8").replace(/^\uFEFF/, "");
  return kind === "html" ? htmlText(text) : text;
}

const BLOCK = new Set(["p", "div", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "pre", "blockquote", "table", "ul", "ol", "dd", "dt", "header", "footer"]);

/**
 * node-html-parser on first use: its code and entity tables are ~1 MB of live heap that only an
 * HTML upload needs (bench/rss.ts, decision 0035). It ships a CommonJS build, so this stays synchronous.
 */
let parseHtml: typeof import("node-html-parser").parse | null = null;

export function htmlText(html: string): string {
  parseHtml ??= (createRequire(import.meta.url)("node-html-parser") as typeof import("node-html-parser")).parse;
  const root = parseHtml(html, { comment: false, blockTextElements: { script: false, style: false, noscript: false, template: false } });
  const parts: string[] = [];
  // Iterative walk: a deeply nested page must not overflow the stack.
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as { nodeType: number; rawTagName?: string; text?: string; childNodes: unknown[] } | "\n\n";
    if (node === "\n\n") {
      parts.push("\n\n");
      continue;
    }
    if (node.nodeType === 3) {
      parts.push(node.text ?? "");
      continue;
    }
    const tag = node.rawTagName?.toLowerCase() ?? "";
    if (tag === "script" || tag === "style" || tag === "noscript" || tag === "template") continue;
    if (BLOCK.has(tag)) stack.push("\n\n");
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i]);
  }
  return parts.join("").replace(/[ \t\u00a0]+/g, " ").replace(/ *\n */g, "\n").replace(/\n{3,}/g, "\n\n").trim();
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  try {
    const { extractText: pdf, getDocumentProxy } = await import("unpdf");
    // pdf.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
    const doc = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    const { text } = await pdf(doc, { mergePages: false });
    await doc.destroy();
    return (text as string[]).join("\n\n");
  } catch (err) {
    throw new ExtractError("invalid_file", `PDF could not be read: ${String((err as Error)?.message ?? err).slice(0, 200)}`);
  }
}

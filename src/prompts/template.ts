/**
 * The template language, deliberately small:
 *
 *   {{ name }}            a variable; `{{ order.id }}` reads a field of an object variable
 *   {{> other }}          the text of prompt `other` at label `production`
 *   {{> other@staging }}  … at a label;  {{> other@3 }}  … at a version
 *   \{{                   a literal `{{` (a backslash before `{{` always escapes it)
 *
 * Values are inserted verbatim and never re-read as template text, so a variable holding `{{x}}`
 * cannot inject a variable or an include. Parsing happens once per version (at push and compile);
 * rendering is string concatenation.
 */

export type IncludeRef = { label: string } | { version: number };

export type Segment =
  | { kind: "text"; text: string }
  | { kind: "var"; name: string; path: readonly string[] }
  | { kind: "include"; name: string; ref: IncludeRef; raw: string };

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

const VAR = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const INCLUDE = /^([A-Za-z0-9][A-Za-z0-9._/-]*)(?:@(?:([1-9][0-9]{0,8})|([A-Za-z][A-Za-z0-9._-]*)))?$/;
export const DEFAULT_INCLUDE_LABEL = "production";

export function parseTemplate(src: string): Segment[] {
  const out: Segment[] = [];
  let text = "";
  let i = 0;
  for (;;) {
    const open = src.indexOf("{{", i);
    if (open === -1) break;
    if (open > 0 && src.charCodeAt(open - 1) === 92 /* \ */) {
      text += `${src.slice(i, open - 1)}{{`;
      i = open + 2;
      continue;
    }
    text += src.slice(i, open);
    const close = src.indexOf("}}", open + 2);
    if (close === -1) throw new TemplateError(`unclosed '{{' at ${where(src, open)}`);
    const inner = src.slice(open + 2, close);
    if (inner.includes("{{")) throw new TemplateError(`'{{' inside a tag at ${where(src, open)} (write \\{{ for a literal '{{')`);
    const tag = inner.trim();
    if (text) out.push({ kind: "text", text });
    text = "";
    if (tag.startsWith(">")) out.push(include(tag.slice(1).trim(), src, open));
    else if (VAR.test(tag)) out.push({ kind: "var", name: tag, path: tag.split(".") });
    else throw new TemplateError(`invalid variable name '${tag.slice(0, 64)}' at ${where(src, open)}`);
    i = close + 2;
  }
  text += src.slice(i);
  if (text) out.push({ kind: "text", text });
  return out;
}

function include(spec: string, src: string, at: number): Segment {
  const m = INCLUDE.exec(spec);
  if (!m) throw new TemplateError(`invalid include '${spec.slice(0, 64)}' at ${where(src, at)} (expected {{> name}}, {{> name@label}} or {{> name@version}})`);
  const ref: IncludeRef = m[2] ? { version: Number(m[2]) } : { label: m[3] ?? DEFAULT_INCLUDE_LABEL };
  return { kind: "include", name: m[1], ref, raw: spec };
}

function where(src: string, offset: number): string {
  let line = 1;
  let col = 1;
  for (let k = 0; k < offset; k++) {
    if (src.charCodeAt(k) === 10) { line++; col = 1; } else col++;
  }
  return `line ${line}, column ${col}`;
}

/** Template text of segments again: the inverse of parseTemplate for text and variables. */
export function formatSegments(segments: readonly Segment[]): string {
  let s = "";
  for (const seg of segments) {
    if (seg.kind === "text") s += seg.text.replaceAll("{{", "\\{{");
    else if (seg.kind === "var") s += `{{${seg.name}}}`;
    else s += `{{> ${seg.raw}}}`;
  }
  return s;
}

/**
 * Fills variables in; a missing one (absent, or `undefined`) is added to `missing` and renders as
 * nothing, so that one pass reports every missing name. `null` renders as an empty string; objects
 * and arrays as JSON.
 */
export function renderSegments(segments: readonly Segment[], vars: Readonly<Record<string, unknown>>, missing: Set<string>): string {
  let s = "";
  for (const seg of segments) {
    if (seg.kind === "text") s += seg.text;
    else if (seg.kind === "var") {
      const v = lookup(vars, seg.path);
      if (v === undefined) missing.add(seg.name);
      else s += typeof v === "string" ? v : v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
    } else throw new TemplateError(`include '${seg.raw}' was not resolved`); // compilePrompt inlines every include
  }
  return s;
}

function lookup(vars: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let v: unknown = vars;
  for (const k of path) {
    if (v === null || typeof v !== "object" || !Object.hasOwn(v, k)) return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

import { parseDocument, stringify } from "yaml";
import type { PromptContent } from "./types.js";

/**
 * Prompt files, for teams that keep prompts in their repository (`keel prompts push ./prompts`):
 *
 * - `name.yaml` / `name.yml`: any prompt — `type`, `text` or `messages`, `model`, `params`,
 *   `tools`, `response_format`, and optionally `labels` and `message` (the commit message).
 * - `name.md`: a text prompt — the body is the text (one trailing newline dropped), optional YAML
 *   front matter between `---` lines holds the rest.
 *
 * The prompt's name is its path under the pushed folder without the extension (`support/answer`),
 * unless the file sets `name`. Parsing is pure: the CLI reads the files, the server validates.
 */

export class PromptFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PromptFileError";
  }
}

export const PROMPT_FILE_EXTENSIONS = [".yaml", ".yml", ".md"] as const;

export function nameFromPath(relPath: string): string {
  const p = relPath.replaceAll("\\", "/").replace(/^\.\//, "");
  const ext = PROMPT_FILE_EXTENSIONS.find((e) => p.toLowerCase().endsWith(e));
  return ext ? p.slice(0, -ext.length) : p;
}

/** A file's prompt as a push item (not yet validated: the server checks it and names the field). */
export function parsePromptFile(relPath: string, text: string): Record<string, unknown> {
  const lower = relPath.toLowerCase();
  let item: Record<string, unknown>;
  if (lower.endsWith(".md")) item = parseMarkdown(relPath, text);
  else if (lower.endsWith(".yaml") || lower.endsWith(".yml")) item = asObject(relPath, parseYaml(relPath, text, 0));
  else throw new PromptFileError(`${relPath}: not a prompt file (expected ${PROMPT_FILE_EXTENSIONS.join(", ")})`);
  return { name: nameFromPath(relPath), ...item };
}

function parseMarkdown(relPath: string, text: string): Record<string, unknown> {
  let front: Record<string, unknown> = {};
  let body = text.replace(/^\uFEFF/, "");
  // The front matter keeps its last newline: a block scalar with keep chomping (`|+`) owns it.
  const m = /^---\r?\n([\s\S]*?\r?\n)?---[ \t]*(?:\r?\n|$)/.exec(body);
  if (m) {
    const parsed = parseYaml(relPath, m[1] ?? "", 1);
    front = parsed === null || parsed === undefined ? {} : asObject(relPath, parsed);
    body = body.slice(m[0].length);
  }
  if (front.type !== undefined && front.type !== "text") throw new PromptFileError(`${relPath}: a Markdown prompt is a text prompt; use YAML for type '${String(front.type)}'`);
  if (front.text !== undefined) throw new PromptFileError(`${relPath}: the text of a Markdown prompt is its body, not a 'text' field`);
  return { ...front, type: "text", text: body.endsWith("\r\n") ? body.slice(0, -2) : body.endsWith("\n") ? body.slice(0, -1) : body };
}

function parseYaml(relPath: string, text: string, lineOffset: number): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos ? `:${e.linePos[0].line + lineOffset}:${e.linePos[0].col}` : "";
    throw new PromptFileError(`${relPath}${where}: invalid YAML: ${e.message.split("\n")[0]}`);
  }
  return doc.toJS();
}

function asObject(relPath: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) throw new PromptFileError(`${relPath}: expected a mapping of prompt fields`);
  return v as Record<string, unknown>;
}

const YAML_OPTS = { lineWidth: 0, blockQuote: "literal" } as const;

/** The file `keel prompts pull` writes for a version; pushing it back gives the same content hash. */
export function promptFile(name: string, content: PromptContent, header: string): { path: string; text: string } {
  const comment = `${header.split("\n").map((l) => `# ${l}`).join("\n")}\n`;
  const { type, ...config } = content as PromptContent & Record<string, unknown>;
  if (type === "text") {
    const { text, ...rest } = config as { text: string } & Record<string, unknown>;
    const front = Object.keys(rest).length > 0 ? stringify(rest, YAML_OPTS) : "";
    // Front matter carries the header comment; without config the body stands alone.
    const head = front || text.startsWith("---") ? `---\n${comment}${front}---\n` : "";
    return { path: `${name}.md`, text: `${head}${text}\n` };
  }
  return { path: `${name}.yaml`, text: `${comment}${stringify(ordered(content), YAML_OPTS)}` };
}

/** A version as stable YAML text, for diffs: fixed field order, no line folding. */
export function versionText(content: PromptContent): string {
  return stringify(ordered(content), YAML_OPTS);
}

function ordered(content: PromptContent): Record<string, unknown> {
  const c = content as PromptContent & Record<string, unknown>;
  const out: Record<string, unknown> = { type: c.type };
  for (const k of ["model", "params", "tools", "response_format", "text", "messages"]) if (c[k] !== undefined) out[k] = c[k];
  return out;
}

/**
 * The shell commands the docs show, found and classified so a test can run every one that calls
 * Keel. Pure: markdown text in, commands out. The test that runs them is docs-examples.test.ts.
 */

/**
 * - `keel`: a runnable `keel …` / `npx keel …` / `node bin/keel.js …` line.
 * - `keel-usage`: a synopsis (`[--opt]`, `a|b`, `NAME`) or a CI template (`${{ … }}`): not run, but
 *   its command path and every `--option` must exist in the CLI.
 * - `http`: curl against Keel (`127.0.0.1:4000`, `localhost:4000`, `$KEEL_URL`).
 * - `npm`: `npm start`, `npm test`, `npm run …`, `npm ci`.
 * - `env`: variable assignments only (settings for another program).
 * - `other`: a command that does not mention Keel (a script, a bench); not this test's business.
 * - `unknown`: mentions Keel but fits none of the above — the test fails on it, so a new kind of
 *   doc command cannot slip past unrun.
 */
export type DocCommandKind = "keel" | "keel-usage" | "http" | "npm" | "env" | "other" | "unknown";

export interface DocCommand {
  /** Repository-relative path of the markdown file. */
  file: string;
  /** 1-based line of the command's first line. */
  line: number;
  /** The command with `$ ` prompts, line continuations and trailing `# comments` removed. */
  text: string;
  kind: DocCommandKind;
}

const SHELL_LANGS = new Set(["sh", "bash", "shell", "zsh"]);
/** Blocks that may show a shell session among output; only lines that look like commands count. */
const SESSION_LANGS = new Set(["", "console", "shell-session", "text", "txt", "yaml", "yml"]);

const KEEL_CALL = /^(?:npx keel|keel|node bin\/keel\.js)(?:\s|$)/;
const COMMAND_START = /^(?:npx keel|keel|node bin\/keel\.js|curl|npm)(?:\s|$)/;
const MENTIONS_KEEL = /keel|:4000\b|\$\{?KEEL_/i;
const KEEL_URL = /(?:127\.0\.0\.1|localhost):4000\b|\$\{?KEEL_URL\b/;

/** Every command line in one markdown file's fenced blocks, classified. */
export function docCommands(file: string, markdown: string): DocCommand[] {
  const out: DocCommand[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)/.exec(lines[i]);
    if (!open) continue;
    const lang = open[2].toLowerCase();
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    if (SHELL_LANGS.has(lang) || SESSION_LANGS.has(lang)) out.push(...blockCommands(file, lines.slice(i + 1, end), i + 2, SHELL_LANGS.has(lang)));
    i = end;
  }
  return out;
}

function blockCommands(file: string, body: string[], firstLine: number, shell: boolean): DocCommand[] {
  const out: DocCommand[] = [];
  for (let i = 0; i < body.length; i++) {
    const start = i;
    let raw = body[i].trim();
    const prompted = raw.startsWith("$ ");
    raw = raw.replace(/^\$ /, "").replace(/^(?:- )?run: \|?\s*/, "");
    if (!shell && !prompted && !COMMAND_START.test(raw)) continue;
    // Continuation lines belong to the command whatever the block.
    while (raw.endsWith("\\") && i + 1 < body.length) raw = `${raw.slice(0, -1).trimEnd()} ${body[++i].trim()}`;
    const text = stripComment(raw).trim();
    if (text === "" || text.startsWith("#")) continue;
    out.push({ file, line: firstLine + start, text, kind: classify(text) });
  }
  return out;
}

/** Classifies one command line. */
export function classify(text: string): DocCommandKind {
  const rest = text.replace(/^(?:[A-Za-z_]\w*=(?:'[^']*'|"[^"]*"|\S*)\s*)+/, "");
  if (rest === "") return "env";
  if (KEEL_CALL.test(rest)) return isUsage(rest) ? "keel-usage" : "keel";
  if (/^curl\s/.test(rest)) return KEEL_URL.test(rest) && !/^curl …/.test(rest) ? "http" : MENTIONS_KEEL.test(rest) ? "unknown" : "other";
  if (/^npm (?:start|test|ci|run \S+)(?:\s|$)/.test(rest)) return "npm";
  return MENTIONS_KEEL.test(text) ? "unknown" : "other";
}

/** A synopsis or template: brackets, `a|b` alternatives, UPPERCASE placeholders or `${{ }}`. */
function isUsage(text: string): boolean {
  const bare = text.replace(/'[^']*'|"[^"]*"/g, "''");
  return /\[[^\]]*\]|\S\|\S|\$\{\{/.test(bare) || bare.split(/\s+/).some((t) => /^[A-Z][A-Z_]+(?:\.\w+)?$/.test(t));
}

/** Drops a trailing ` # comment` that is outside quotes. */
function stripComment(s: string): string {
  let quote = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]))) return s.slice(0, i);
  }
  return s;
}

/**
 * The command words and `--options` of a `keel` line, for checking a synopsis against the CLI:
 * `keel datasets create|list NAME [--items]` → path `["datasets", "create|list"]`, options `["--items"]`.
 */
export function keelUsage(text: string): { path: string[]; options: string[] } {
  const words = text.replace(/^(?:[A-Za-z_]\w*=\S*\s+)*(?:npx keel|keel|node bin\/keel\.js)\s*/, "").replace(/'[^']*'|"[^"]*"/g, "''").split(/\s+/);
  const path: string[] = [];
  for (const w of words) {
    if (!/^[a-z][a-z-]*(?:\|[a-z][a-z-]*)*$/.test(w)) break;
    path.push(w);
  }
  const options = [...new Set(words.flatMap((w) => w.replace(/[[\]]/g, "").split("|")).filter((w) => w.startsWith("--")).map((w) => w.replace(/=.*$/, "")))];
  return { path, options };
}

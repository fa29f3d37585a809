/**
 * Masks secrets in text and JSON bodies before they reach traces or logs.
 *
 * Two precompiled regexes, one pass each. Pass A finds self-identifying tokens (`sk-…`, `ghp_…`,
 * JWTs, PEM blocks) case-sensitively; pass B finds secrets identified by context (`password=…`,
 * `Authorization: …`, `scheme://user:pass@`) case-insensitively, and runs second so that a value
 * pass A already masked is left alone. Every alternative starts on a literal, so V8 skips
 * non-candidate positions fast (measured 10–20x faster than one combined regex whose alternatives
 * start with lookbehinds; ~200 MB/s on chat JSON), and none rescans a run of word characters,
 * which would go quadratic on a base64 image in a prompt. Where a shape alone is ambiguous, `accept` keeps prose and code intact.
 */

export type SecretType =
  | "private_key" | "jwt" | "anthropic" | "keel" | "openai" | "stripe" | "github" | "gitlab" | "slack"
  | "google_api_key" | "aws_access_key" | "aws_secret" | "authorization" | "bearer" | "basic_auth"
  | "password" | "secret" | "cookie"
  | "azure" | "twilio" | "sendgrid" | "npm" | "huggingface" | "gcp" | "shopify" | "digitalocean" | "databricks" | "pypi"
  | "slack_webhook";

interface Candidate {
  /** Text kept verbatim before the mask, such as `password=`. */
  keep: string;
  secret: string;
  /** The characters just before and after the match ("" at either end of the text). */
  before: string;
  after: string;
}

interface Rule {
  type: SecretType | ((keep: string) => SecretType);
  /** Regex sources. No capturing groups of their own: `compile` numbers the groups per pass. */
  keep?: string;
  secret: string;
  /** Lookahead after the secret; not consumed. */
  lookahead?: string;
  accept?(c: Candidate): boolean;
}

const TOKEN_START = "(?<![A-Za-z0-9_-])";
/**
 * Every repetition is capped at `{…,16384}`. irregexp pushes a backtrack entry per iteration of
 * a loop that may need to give characters back, and throws RangeError (stack overflow) once one
 * match spans ~10M characters, e.g. a 20 MB token-shaped run in a body. 16 KB holds any PEM key
 * (RSA-8192 is ~6.5 KB) or credential; of a longer value only the first 16 KB is masked.
 * The `unscannable` fallback in maskSecrets stays as a fail-closed backstop.
 */
const MAX_RUN = 16_384;
const PEM = (edge: string): string => `-----${edge}[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----`;
const hasDigit = (c: Candidate): boolean => /\d/.test(c.secret);

const TOKEN_RULES: Rule[] = [
  // The body is PEM's alphabet (base64, headers such as "Proc-Type: 4,ENCRYPTED", raw or
  // JSON-escaped newlines) up to END, so each character is looked at once. A lazy `[\s\S]*?END`
  // would rescan to the end of the text for every BEGIN that has no END: quadratic in a prompt
  // stuffed with BEGIN lines. An unterminated block (a truncated log line) is masked to its body's end.
  { type: "private_key", secret: `${PEM("BEGIN")}(?:(?!-----END)(?:[A-Za-z0-9+/=:,\\s-]|\\\\[nr])){0,${MAX_RUN}}(?:${PEM("END")})?` },
  { type: "jwt", secret: `${TOKEN_START}eyJ[A-Za-z0-9_-]{8,${MAX_RUN}}\\.[A-Za-z0-9_-]{2,${MAX_RUN}}\\.[A-Za-z0-9_-]{0,${MAX_RUN}}` },
  { type: "anthropic", secret: `${TOKEN_START}sk-ant-[A-Za-z0-9_-]{20,${MAX_RUN}}` },
  { type: "keel", secret: `${TOKEN_START}(?:sk-keel-|keel-admin-)[A-Za-z0-9_-]{20,${MAX_RUN}}` },
  // Legacy sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…; the digit check spares long kebab-case words.
  { type: "openai", secret: `${TOKEN_START}sk-[A-Za-z0-9_-]{20,${MAX_RUN}}`, accept: hasDigit },
  { type: "stripe", secret: `(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,${MAX_RUN}}` },
  { type: "github", secret: `(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,${MAX_RUN}}|github_pat_[A-Za-z0-9_]{22,${MAX_RUN}})` },
  { type: "gitlab", secret: `${TOKEN_START}glpat-[A-Za-z0-9_-]{20,${MAX_RUN}}` },
  { type: "slack", secret: `${TOKEN_START}xox[abposr]-[A-Za-z0-9-]{10,${MAX_RUN}}`, accept: hasDigit },
  { type: "google_api_key", secret: `${TOKEN_START}AIza[0-9A-Za-z_-]{35}`, lookahead: "(?![0-9A-Za-z_-])" },
  { type: "aws_access_key", secret: "(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}", lookahead: "(?![A-Za-z0-9])" },
  // Prefixed tokens after gitleaks' rules: each prefix is issued by one provider only.
  { type: "sendgrid", secret: `${TOKEN_START}SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}`, lookahead: "(?![A-Za-z0-9_-])" },
  { type: "twilio", secret: "(?<![A-Za-z0-9])SK[0-9a-f]{32}", lookahead: "(?![A-Za-z0-9])" },
  { type: "npm", secret: "(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}", lookahead: "(?![A-Za-z0-9])" },
  { type: "huggingface", secret: "(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34,40}", lookahead: "(?![A-Za-z0-9])", accept: hasDigit },
  { type: "gcp", secret: `${TOKEN_START}(?:GOCSPX-[A-Za-z0-9_-]{28}|ya29\\.[A-Za-z0-9_-]{20,${MAX_RUN}})` },
  // Azure AD client secret (xxx8Q~…): anchored on the literal "Q~" with its 4-character prefix checked
  // behind it, so the alternative still starts on a literal; those 4 characters stay visible.
  { type: "azure", secret: "Q~(?<=(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\\dQ~)[A-Za-z0-9_~.-]{31,34}", lookahead: "(?![A-Za-z0-9_~.-])" },
  { type: "shopify", secret: "(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", lookahead: "(?![A-Za-z0-9])" },
  { type: "digitalocean", secret: "(?<![A-Za-z0-9_])do[pro]_v1_[a-f0-9]{64}", lookahead: "(?![A-Za-z0-9])" },
  { type: "databricks", secret: "(?<![A-Za-z0-9_])dapi[a-f0-9]{32}(?:-\\d)?", lookahead: "(?![A-Za-z0-9])" },
  { type: "pypi", secret: `(?<![A-Za-z0-9_])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,${MAX_RUN}}` },
  { type: "slack_webhook", secret: "https://hooks\\.slack\\.com/(?:services|workflows)/[A-Za-z0-9+/_-]{20,200}" },
];

/** `=`, `:` or `:=` with an optional closing quote before it, but not `==`, `=>` (code, not values). */
const SEP = "\\\\?[\"']?(?::=|[:=](?![=>]))";
const ASSIGN = `\\\\?["']?[ \\t]{0,32}(?::=|[:=](?![=>]))[ \\t]{0,32}`;
/** At least one space around the separator: `key = value`, `key: value`. */
const ASSIGN_SPACED = `\\\\?["']?(?:[ \\t]{1,32}(?::=|[:=](?![=>]))[ \\t]{0,32}|(?::=|[:=](?![=>]))[ \\t]{1,32})`;
const SECRET_KEY =
  "(?:pass(?:word|wd|phrase)|pwd|secret|token|(?:api|secret|private|access|signing|encryption)[_.-]?key)";

const PLACEHOLDER_WORD_RE =
  /^(?:\[REDACTED.*|<[^>]*>|\{\{.*|\*+|x+|\.+|string|str|number|int|integer|boolean|bool|null|none|nil|undefined|true|false|required|optional|redacted|hidden|secret|password|token|changeme|your[_-].*)$/i;
/** Environment references (`$DB_PASS`, `${DB_PASS}`, `%DB_PASS%`) and config lookups are not values. */
const REFERENCE_RE = /^(?:\$\{[^}]*\}?|\$[A-Z_][A-Z0-9_]*|%[A-Z_][A-Z0-9_]*%|process\.env\b.*|os\.environ\b.*)$/;
const DOTTED_IDENTIFIER_RE = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
/** What a variable name looks like: snake_case, camelCase, UPPER_SNAKE (digit-free), or 1–3 characters. */
const IDENTIFIER_LIKE_RE = /^(?:[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+|[A-Z]+(?:_[A-Z]+)+|.{1,3})$/;
const SECRET_LIKE_RE = /[0-9]|[^A-Za-z0-9_]/;

const isPlaceholder = (v: string): boolean => PLACEHOLDER_WORD_RE.test(v) || REFERENCE_RE.test(v);
const squash = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, "");

/** A key name starts a word or a camelCase hump (`openaiApiKey`), so `mytoken=` is not a key. */
function keyStarts(c: Candidate): boolean {
  return !/[A-Za-z0-9]/.test(c.before) || (/[a-z0-9]/.test(c.before) && /^[A-Z]/.test(c.keep));
}

const wordStarts = (c: Candidate): boolean => !/[A-Za-z0-9_-]/.test(c.before);

/**
 * An unquoted value after a secret-looking key, where prose and code must stay readable
 * (`password: string`, `token = await getToken()`, `apiKey: config.apiKey`, `OpenAI(api_key=key)`).
 * Tight `KEY=value` (env files, query strings, kwargs) masks anything but a variable-like name, so
 * `POSTGRES_PASSWORD=postgres` goes. After `key: ` or `key = ` the value must contain a digit or a
 * symbol: a letters-only secret there stays visible, the price of not masking "password: required".
 */
function acceptBareValue(c: Candidate): boolean {
  const v = c.secret;
  if (!keyStarts(c) || c.after === "(" || isPlaceholder(v) || DOTTED_IDENTIFIER_RE.test(v)) return false;
  if (squash(c.keep).includes(squash(v))) return false; // api_key=api_key, password: password
  if (/[^ \t][:=]$/.test(c.keep)) return !IDENTIFIER_LIKE_RE.test(v);
  return v.length >= 4 && SECRET_LIKE_RE.test(v) && !/^\d+$/.test(v);
}

const assignmentType = (keep: string): SecretType => (/pass|pwd/i.test(keep) ? "password" : "secret");

const CONTEXT_RULES: Rule[] = [
  {
    // Azure connection strings and SAS URLs: AccountKey=…; SharedAccessKey=…; sig=…
    type: "azure",
    keep: "(?:accountkey|sharedaccesskey|sharedaccesssignature|[?&]sig)=",
    secret: `[a-z0-9+/%=]{20,${MAX_RUN}}`,
  },
  {
    type: "aws_secret",
    keep: `aws[_-]?secret[_-]?access[_-]?key${ASSIGN}\\\\?["']?`,
    secret: "[a-z0-9/+=]{40}",
    lookahead: "(?![a-z0-9/+=])",
    accept: keyStarts,
  },
  {
    // The credentials of any scheme in an Authorization header: Bearer, Basic, Token, AWS4-HMAC…
    type: (keep) => (/bearer/i.test(keep) ? "bearer" : /basic/i.test(keep) ? "basic_auth" : "authorization"),
    keep: `authorization${ASSIGN}\\\\?["']?(?:[a-z][a-z0-9-]{1,30}[ \\t]{1,32})?`,
    secret: `[^\\s"'\\\\,;]{8,${MAX_RUN}}`,
    // Without a scheme word the value must look like a credential: "authorization: required" is prose.
    accept: (c) => keyStarts(c) && !c.secret.startsWith("[REDACTED") && (/[a-z0-9-][ \t]+$/i.test(c.keep) || SECRET_LIKE_RE.test(c.secret)),
  },
  {
    type: "bearer",
    keep: "bearer[ \\t]{1,32}",
    secret: `[a-z0-9._~+/=-]{16,${MAX_RUN}}`,
    accept: (c) => wordStarts(c) && !/^[a-z]+$/.test(c.secret),
  },
  {
    type: "basic_auth",
    keep: "basic[ \\t]{1,32}",
    secret: `[a-z0-9+/]{8,${MAX_RUN}}={0,2}`,
    lookahead: "(?![a-z0-9+/=])",
    // Only real user:password pairs, so "Basic introduction" stays.
    accept: (c) => wordStarts(c) && /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(Buffer.from(c.secret, "base64").toString("latin1")),
  },
  {
    // scheme://user:password@host — only the password goes. Anchored on "://" with the scheme
    // checked behind it; the greedy class plus (?=@) finds the authority's last @, so a password
    // containing a raw @ is masked whole.
    type: "password",
    keep: `:\\/\\/(?<=(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{1,30}:\\/\\/)[^\\s:/?#@"'<>]{0,1024}:`,
    secret: `[^\\s/?#"'<>]{1,${MAX_RUN}}`,
    lookahead: "(?=@)",
    accept: (c) => !c.secret.startsWith("[REDACTED"),
  },
  {
    // Escapes other than \" stay inside the value, so a JSON-encoded value is masked whole.
    type: assignmentType,
    keep: `${SECRET_KEY}${ASSIGN}\\\\?["']`,
    secret: `(?:[^"'\\\\\\r\\n]|\\\\[^"'\\r\\n]){1,${MAX_RUN}}`,
    accept: (c) => keyStarts(c) && !isPlaceholder(c.secret.trim()),
  },
  // Bare values end before sentence punctuation ("Password: hunter2." keeps its full stop). A tight
  // `key=value` also ends at `&` (query strings); after `key = ` or `key: ` a `&` is part of it.
  {
    type: assignmentType,
    keep: `${SECRET_KEY}${SEP}`,
    secret: `[^\\s"'\`\\\\&,;<>(){}\\[\\]]{0,${MAX_RUN}}[^\\s"'\`\\\\&,;<>(){}\\[\\].:!?]`,
    accept: acceptBareValue,
  },
  {
    type: assignmentType,
    keep: `${SECRET_KEY}${ASSIGN_SPACED}`,
    secret: `[^\\s"'\`\\\\,;<>(){}\\[\\]]{0,${MAX_RUN}}[^\\s"'\`\\\\,;<>(){}\\[\\].:!?]`,
    accept: acceptBareValue,
  },
];

interface Pass {
  regex: RegExp;
  rules: Rule[];
  /** Capture-group numbers per rule: the whole alternative, its keep (-1 if none), its secret. */
  groups: { r: number; k: number; s: number }[];
}

/**
 * Numbered groups, not named ones: with named groups V8 builds a `groups` object per match,
 * measured 7x slower on keyword-dense text.
 */
function compile(rules: Rule[], flags: string): Pass {
  const groups: Pass["groups"] = [];
  let n = 0;
  const source = rules
    .map((rule) => {
      const r = ++n;
      const k = rule.keep ? ++n : -1;
      const s = ++n;
      groups.push({ r, k, s });
      return `(${rule.keep ? `(${rule.keep})` : ""}(${rule.secret})${rule.lookahead ?? ""})`;
    })
    .join("|");
  return { regex: new RegExp(source, flags), rules, groups };
}

const TOKENS = compile(TOKEN_RULES, "g");
const CONTEXT = compile(CONTEXT_RULES, "gi");

/** The two compiled passes, for the guard's regex-safety test (they run over every screened text). */
export const SECRET_PATTERNS: readonly { id: string; re: RegExp }[] = [
  { id: "secrets.tokens", re: TOKENS.regex },
  { id: "secrets.context", re: CONTEXT.regex },
];

/** One pass over `text`: every span `collect` finds becomes `[REDACTED:type]`, what precedes it stays. */
function runPass(text: string, pass: Pass): string {
  const spans: SecretSpan[] = [];
  collect(text, pass, 0, false, spans);
  if (spans.length === 0) return text;
  let out = "";
  let last = 0;
  for (const s of spans) {
    out += `${text.slice(last, s.start)}[REDACTED:${s.type}]`;
    last = s.end;
  }
  return out + text.slice(last);
}

/** Where a secret sits in the text given to `findSecrets`. */
export interface SecretSpan {
  type: SecretType;
  start: number;
  end: number;
}

/**
 * The spans `maskSecrets` would mask, with their positions in `text` (for scanners that report or
 * replace findings themselves). Same rules and accept checks; the context pass skips what the
 * token pass found. Fails closed like maskSecrets: should the engine give up, the whole text is one span.
 */
export function findSecrets(text: string): SecretSpan[] {
  const out: SecretSpan[] = [];
  try {
    collect(text, TOKENS, 0, false, out);
    const tokens = out.length;
    const ctx: SecretSpan[] = [];
    collect(text, CONTEXT, 0, false, ctx);
    for (const c of ctx) if (!out.slice(0, tokens).some((t) => t.start < c.end && c.start < t.end)) out.push(c);
  } catch {
    return [{ type: "secret", start: 0, end: text.length }];
  }
  return out.sort((a, b) => a.start - b.start);
}

/**
 * The matching loop behind masking and `findSecrets`: the spans (after any kept prefix such as
 * `password=`) of one pass, in order and disjoint. A match a rule rejects is consumed all the same,
 * so its value is looked at once more (`mytoken=postgres://u:p@h`); one level deep, so each
 * character is scanned at most twice, and nothing a pass finds fits in fewer than 8 characters.
 */
function collect(text: string, pass: Pass, offset: number, nested: boolean, out: SecretSpan[]): void {
  const re = pass.regex;
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const resume = re.lastIndex;
    const i = pass.groups.findIndex((g) => m![g.r] !== undefined);
    const rule = pass.rules[i];
    const keep = pass.groups[i].k > 0 ? (m[pass.groups[i].k] ?? "") : "";
    const secret = m[pass.groups[i].s];
    const c: Candidate = { keep, secret, before: text.charAt(m.index - 1), after: text.charAt(resume) };
    const start = offset + m.index + keep.length;
    if (!rule.accept || rule.accept(c)) {
      out.push({ type: typeof rule.type === "function" ? rule.type(keep) : rule.type, start, end: start + secret.length });
    } else if (keep && !nested && secret.length >= 8) {
      collect(secret, pass, start, true, out);
      re.lastIndex = resume;
    }
  }
}

/**
 * The shortest text any rule masks: a quoted assignment, `pwd="1` (keep `pwd="`, one character).
 * A tight `pwd=…` needs four characters of value (three or fewer read as a name), every token
 * rule far more. Shorter strings — most of a body's (`user`, `stop`, model names) — skip both
 * passes; `redact.test.ts` holds the boundary.
 */
export const MIN_MASKABLE = 6;

/**
 * Replaces each secret in free text with `[REDACTED:<type>]`, keeping the surrounding syntax.
 * Fails closed: should the regex engine ever give up on an input, nothing of it is returned.
 */
export function maskSecrets(text: string): string {
  if (text.length < MIN_MASKABLE) return text;
  try {
    return runPass(runPass(text, TOKENS), CONTEXT);
  } catch {
    return `[REDACTED:unscannable ${text.length} characters]`;
  }
}

/**
 * Key names whose whole value is a secret, compared after lower-casing and dropping everything
 * but letters and digits: `Authorization`, `x-api-key`, `client_secret`, `refreshToken`. Token
 * *counts* such as `max_tokens` and `prompt_tokens` do not match (they end in "tokens").
 */
const SENSITIVE_KEY_RE = /pass(?:word|wd|phrase)|secret|apikey|privatekey|accesskey|authorization|cookie|^credentials?$|.token$/;
const MAX_DEPTH = 100;

/**
 * Masks a JSON-like value for storage: strings anywhere go through `maskSecrets`; strings and
 * numbers under a sensitive key (or in an array under one) are replaced whole. Objects under a
 * sensitive key are still walked rather than wiped: a tool's JSON schema declares
 * `properties.password: { type: "string" }`, which is no secret and worth keeping in a trace.
 * Never mutates its input, and copies only what it changes: an object or array nothing in which
 * was masked comes back as the same reference (the whole input, when nothing was), so the caller
 * can tell "nothing to mask" by identity and must not mutate the result. Serialised, the result is
 * what a full copy would give. Cycles become "[Circular]"; nesting past 100 levels is cut, so a
 * hostile body cannot overflow the stack.
 */
export function maskSecretsDeep(value: unknown): unknown {
  return maskValue(value, 0, new WeakSet(), undefined);
}

function maskValue(value: unknown, depth: number, ancestors: WeakSet<object>, sensitive: SecretType | undefined): unknown {
  // null, booleans and "" under a sensitive key are kept: they hold no secret and show whether it was set.
  if (sensitive !== undefined && (typeof value === "number" || typeof value === "bigint" || (typeof value === "string" && value !== ""))) {
    return `[REDACTED:${sensitive}]`;
  }
  if (typeof value === "string") return maskSecrets(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[REDACTED:too_deep]";
  if (ancestors.has(value)) return "[Circular]";
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return maskValue(toJSON.call(value), depth + 1, ancestors, sensitive);

  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      // Copy on the first change; until then the input's elements are the result's.
      let out: unknown[] | null = null;
      for (let i = 0; i < value.length; i++) {
        const v = value[i] as unknown;
        const m = maskValue(v, depth + 1, ancestors, sensitive);
        if (out === null && m !== v) out = value.slice(0, i);
        if (out !== null) out.push(m);
      }
      return out ?? value;
    }
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    let out: Record<string, unknown> | null = null;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const v = obj[key];
      const m = maskValue(v, depth + 1, ancestors, isSensitiveKey(key, obj) ? keyType(key) : undefined);
      if (out === null && m !== v) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]] = obj[keys[j]];
      }
      if (out !== null) out[key] = m;
    }
    return out ?? value;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * What `squash` + `SENSITIVE_KEY_RE` say of a key name, memoised: bodies repeat the same few dozen
 * names (`role`, `content`, `choices`…) on every call. "token" depends on its object, so it is
 * answered per call. Bounded: past KEY_MEMO_MAX distinct names (a hostile body's) it stops adding.
 */
const KEY_MEMO_MAX = 4096;
const keyMemo = new Map<string, boolean | "token">();

function isSensitiveKey(key: string, obj: Record<string, unknown>): boolean {
  let v = keyMemo.get(key);
  if (v === undefined) {
    const k = squash(key);
    v = k === "token" ? "token" : SENSITIVE_KEY_RE.test(k);
    if (keyMemo.size < KEY_MEMO_MAX) keyMemo.set(key, v);
  }
  if (v === "token") return !("logprob" in obj); // OpenAI logprobs: { token, logprob, bytes } is model output.
  return v;
}

function keyType(key: string): SecretType {
  const k = key.toLowerCase();
  if (k.includes("pass")) return "password";
  if (k.includes("authorization")) return "authorization";
  if (k.includes("cookie")) return "cookie";
  return "secret";
}

/**
 * Masks secrets in text and JSON bodies before they reach traces or logs.
 *
 * One precompiled regex, one pass: every rule is an alternative with named groups `r<i>` (the
 * match), `k<i>` (text kept verbatim, such as `password=`) and `s<i>` (the secret). Each
 * alternative starts with a literal or a boundary lookbehind, so the engine rejects most positions
 * at the first character and no rule rescans a long run of word characters (which would go
 * quadratic on, say, a base64 image in a prompt). Where a shape alone is ambiguous, an `accept`
 * check on the candidate keeps ordinary words and code unmasked.
 */

export type SecretType =
  | "private_key" | "jwt" | "anthropic" | "keel" | "openai" | "stripe" | "github" | "gitlab" | "slack"
  | "google_api_key" | "aws_access_key" | "aws_secret" | "authorization" | "bearer" | "basic_auth"
  | "password" | "secret";

interface Rule {
  type: SecretType | ((keep: string) => SecretType);
  /** Kept verbatim before the mask. No capturing groups: group numbering is shared. */
  keep?: string;
  secret: string;
  /** Lookahead after the secret; not consumed. */
  after?: string;
  accept?(secret: string, keep: string, next: string): boolean;
}

/** Case-insensitive literal without the `i` flag, which would also loosen every token rule. */
function ci(word: string): string {
  return word.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`);
}

/** Start of a key name: not inside a word, or at a camelCase hump (`openaiApiKey`). */
const KEY_START = "(?:(?<![A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z]))";
/** `=`, `:` or `:=`, but not `==`, `=>`, `===` (comparisons and arrows are code, not values). */
const ASSIGN = "\\\\?[\"']?[ \\t]*(?::=|[:=](?![=>]))[ \\t]*";
const SECRET_KEYS = [
  "password", "passwd", "passphrase", "pwd", "secret", "token",
  "api[_.-]?key", "secret[_.-]?key", "private[_.-]?key", "access[_.-]?key", "signing[_.-]?key", "encryption[_.-]?key",
].map((k) => k.split(/(\[_\.-\]\?)/).map((p) => (p.startsWith("[") ? p : ci(p))).join(""));
const SECRET_KEY = `${KEY_START}(?:${SECRET_KEYS.join("|")})`;

const TOKEN_START = "(?<![A-Za-z0-9_-])";
const PEM_LABEL = "-----(?:BEGIN|END)[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----";

const hasDigit = (s: string): boolean => /\d/.test(s);
const PLACEHOLDER_RE =
  /^(?:\[REDACTED.*|<[^>]*>|\$\{?[A-Za-z_].*|%[A-Za-z_]+%|\{\{.*|\*+|x+|X+|\.+|string|str|number|int|integer|boolean|bool|null|none|nil|undefined|true|false|required|optional|redacted|hidden|secret|password|token|changeme|your[_-].*|process\.env\..*|os\.environ.*)$/i;
const DOTTED_IDENTIFIER_RE = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

function assignmentType(keep: string): SecretType {
  return /pass|pwd/i.test(keep) ? "password" : "secret";
}

/**
 * An unquoted value after a secret-looking key. Env files and query strings (`KEY=value`, no
 * spaces) are always values; after `key: ` or `key = ` the value must look like a secret rather
 * than prose or code (`password: string`, `token = await getToken()`, `apiKey: config.apiKey`).
 * A secret made only of letters in that position stays visible; that is the price of not masking
 * prose such as "password: required".
 */
function acceptBareValue(value: string, keep: string, next: string): boolean {
  if (next === "(" || PLACEHOLDER_RE.test(value) || DOTTED_IDENTIFIER_RE.test(value)) return false;
  if (/[^ \t][:=]$/.test(keep) && !/^[ \t]/.test(value)) return true;
  return value.length >= 4 && /[\d\W_]/.test(value) && !/^\d+$/.test(value) && /[A-Za-z0-9]/.test(value);
}

const RULES: Rule[] = [
  {
    type: "private_key",
    // Unterminated blocks (a truncated log line) are masked through the end of their base64 body.
    secret: `${PEM_LABEL.replace("(?:BEGIN|END)", "BEGIN")}(?:[\\s\\S]*?${PEM_LABEL.replace("(?:BEGIN|END)", "END")}|(?:[A-Za-z0-9+/=:,\\s-]|\\\\[nr])*)`,
  },
  { type: "jwt", secret: `${TOKEN_START}eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*` },
  { type: "anthropic", secret: `${TOKEN_START}sk-ant-[A-Za-z0-9_-]{20,}` },
  { type: "keel", secret: `${TOKEN_START}(?:sk-keel-|keel-admin-)[A-Za-z0-9_-]{20,}` },
  // Legacy sk-…, sk-proj-…, sk-svcacct-…, sk-admin-…; the digit check spares long kebab-case words.
  { type: "openai", secret: `${TOKEN_START}sk-[A-Za-z0-9_-]{20,}`, accept: hasDigit },
  { type: "stripe", secret: "(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}" },
  { type: "github", secret: "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})" },
  { type: "gitlab", secret: `${TOKEN_START}glpat-[A-Za-z0-9_-]{20,}` },
  { type: "slack", secret: `${TOKEN_START}xox[abposr]-[A-Za-z0-9-]{10,}`, accept: hasDigit },
  { type: "google_api_key", secret: `${TOKEN_START}AIza[0-9A-Za-z_-]{35}`, after: "(?![0-9A-Za-z_-])" },
  { type: "aws_access_key", secret: "(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}", after: "(?![A-Za-z0-9])" },
  {
    type: "aws_secret",
    keep: `(?<![A-Za-z0-9])${ci("aws")}[_-]?${ci("secret")}[_-]?${ci("access")}[_-]?${ci("key")}${ASSIGN}\\\\?["']?`,
    secret: "[A-Za-z0-9/+=]{40}",
    after: "(?![A-Za-z0-9/+=])",
  },
  {
    // The credentials of any scheme in an Authorization header: Bearer, Basic, Token, AWS4-HMAC…
    type: (keep) => (/bearer/i.test(keep) ? "bearer" : /basic/i.test(keep) ? "basic_auth" : "authorization"),
    keep: `${KEY_START}${ci("authorization")}${ASSIGN}\\\\?["']?(?:[A-Za-z][A-Za-z0-9-]{1,30}[ \\t]+)?`,
    secret: "[^\\s\"'\\\\,;]{8,}",
    accept: (s) => !s.startsWith("[REDACTED"),
  },
  {
    type: "bearer",
    keep: `${TOKEN_START}(?:[Bb]earer|BEARER)[ \\t]+`,
    secret: "[A-Za-z0-9._~+/=-]{16,}",
    accept: (s) => !/^[a-z]+$/.test(s),
  },
  {
    type: "basic_auth",
    keep: `${TOKEN_START}(?:[Bb]asic|BASIC)[ \\t]+`,
    secret: "[A-Za-z0-9+/]{8,}={0,2}",
    after: "(?![A-Za-z0-9+/=])",
    // Only real user:password pairs, so "Basic introduction" stays.
    accept: (s) => /^[\x20-\x7e]+:[\x20-\x7e]*$/.test(Buffer.from(s, "base64").toString("latin1")),
  },
  {
    // scheme://user:password@host — only the password goes; the greedy class plus (?=@) finds
    // the last @ of the authority, so a password with a raw @ is masked whole.
    type: "password",
    keep: "(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,30}://[^\\s:/?#@\"'<>]*:",
    secret: "[^\\s/?#\"'<>]+",
    after: "(?=@)",
    accept: (s) => !s.startsWith("[REDACTED"),
  },
  {
    type: assignmentType,
    keep: `${SECRET_KEY}${ASSIGN}\\\\?["']`,
    secret: "[^\"'\\\\\\r\\n]{1,512}",
    accept: (s) => !PLACEHOLDER_RE.test(s.trim()),
  },
  {
    type: assignmentType,
    keep: `${SECRET_KEY}${ASSIGN}`,
    secret: "[^\\s\"'`\\\\&,;<>(){}\\[\\]]{1,512}",
    accept: acceptBareValue,
  },
];

const COMBINED = new RegExp(
  RULES.map((r, i) => `(?<r${i}>${r.keep ? `(?<k${i}>${r.keep})` : ""}(?<s${i}>${r.secret})${r.after ?? ""})`).join("|"),
  "g",
);
const GROUPS = RULES.map((_, i) => ({ r: `r${i}`, k: `k${i}`, s: `s${i}` }));

/** Replaces each secret in free text with `[REDACTED:<type>]`, keeping the surrounding syntax. */
export function maskSecrets(text: string): string {
  COMBINED.lastIndex = 0;
  return text.replace(COMBINED, (match: string, ...rest: unknown[]) => {
    const groups = rest[rest.length - 1] as Record<string, string | undefined>;
    const offset = rest[rest.length - 3] as number;
    for (let i = 0; i < RULES.length; i++) {
      if (groups[GROUPS[i].r] === undefined) continue;
      const rule = RULES[i];
      const keep = groups[GROUPS[i].k] ?? "";
      const secret = groups[GROUPS[i].s]!;
      if (rule.accept && !rule.accept(secret, keep, text.charAt(offset + match.length))) return match;
      const type = typeof rule.type === "function" ? rule.type(keep) : rule.type;
      return `${keep}${specificMask(secret, type)}`;
    }
    return match;
  });
}

/** A value after `api_key=` that is itself a recognisable token keeps its precise type. */
function specificMask(secret: string, type: SecretType): string {
  if (type === "secret" || type === "password" || type === "authorization") {
    const inner = maskSecrets(secret);
    if (inner !== secret && /^\[REDACTED:[a-z_]+\]$/.test(inner)) return inner;
  }
  return `[REDACTED:${type}]`;
}

/**
 * Key names whose whole value is a secret, compared after lower-casing and dropping `-`, `_`,
 * spaces: `Authorization`, `x-api-key`, `client_secret`, `refreshToken`. Token *counts* such as
 * `max_tokens` and `prompt_tokens` do not match (they end in "tokens").
 */
const SENSITIVE_KEY_RE = /pass(?:word|wd|phrase)|secret|apikey|privatekey|accesskey|authorization|cookie|^credentials?$|.token$/;
const MAX_DEPTH = 100;

/**
 * Masks a JSON-like value for storage: strings anywhere go through `maskSecrets`; values under
 * sensitive keys are replaced whole. Returns a copy; the input is not modified. Cycles become
 * "[Circular]" and nesting past 100 levels is cut, so a hostile body cannot overflow the stack.
 */
export function maskSecretsDeep(value: unknown): unknown {
  return maskValue(value, 0, new WeakSet());
}

function maskValue(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === "string") return maskSecrets(value);
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[REDACTED:too_deep]";
  if (ancestors.has(value)) return "[Circular]";
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === "function") return maskValue(toJSON.call(value), depth + 1, ancestors);

  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => maskValue(v, depth + 1, ancestors));
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj)) {
      const v = obj[key];
      out[key] = isSensitiveKey(key, obj) && hasContent(v) ? `[REDACTED:${keyType(key)}]` : maskValue(v, depth + 1, ancestors);
    }
    return out;
  } finally {
    ancestors.delete(value);
  }
}

function isSensitiveKey(key: string, obj: Record<string, unknown>): boolean {
  const k = key.toLowerCase().replace(/[-_\s]/g, "");
  if (k === "token") return !("logprob" in obj); // OpenAI logprobs: { token, logprob, bytes } is model output.
  return SENSITIVE_KEY_RE.test(k);
}

/** null, booleans and "" carry no secret and show whether a field was set. */
function hasContent(v: unknown): boolean {
  return v !== null && v !== undefined && typeof v !== "boolean" && v !== "";
}

function keyType(key: string): SecretType | "cookie" {
  const k = key.toLowerCase();
  if (/pass/.test(k)) return "password";
  if (k.includes("authorization")) return "authorization";
  if (k.includes("cookie")) return "cookie";
  return "secret";
}

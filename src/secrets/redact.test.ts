import { test } from "node:test";
import assert from "node:assert/strict";
import { findSecrets, maskSecrets, maskSecretsDeep, MIN_MASKABLE, type SecretType } from "./redact.js";

/**
 * Realistic-looking fakes, assembled at runtime so no literal that secret scanners (or GitHub push
 * protection) recognise sits in the source.
 */
function fake(length: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"): string {
  let s = "";
  let x = 2463534242;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; // xorshift: deterministic, digit-bearing, mixed case
    s += alphabet[(x >>> 0) % alphabet.length];
  }
  return s;
}
const b64 = (s: string): string => Buffer.from(s).toString("base64url");

const openaiProj = ["sk", "proj", fake(74) + "_" + fake(20)].join("-");
const openaiLegacy = "sk-" + fake(20) + "T3Blbk" + "FJ" + fake(20);
const anthropic = ["sk", "ant", "api03", fake(93) + "AA"].join("-");
const keel = "sk-keel-" + fake(43, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
const keelAdmin = "keel-admin-" + fake(43);
const awsId = "AK" + "IA" + fake(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
const awsStsId = "AS" + "IA" + fake(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
const awsSecret = fake(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+");
const github = "gh" + "p_" + fake(36);
const githubPat = "github" + "_pat_" + "11" + fake(20) + "_" + fake(59);
const gitlab = "gl" + "pat-" + fake(20);
const slack = ["xo" + "xb", "1234567890123", "1234567890123", fake(24)].join("-");
const stripe = "sk" + "_live_" + fake(24);
const stripeRestricted = "rk" + "_test_" + fake(24);
const google = "AI" + "za" + "Sy" + fake(33, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
const jwt = [b64('{"alg":"HS256","typ":"JWT"}'), b64('{"sub":"1234567890","name":"Jane","iat":1516239022}'), fake(43)].join(".");
const pemBody = Array.from({ length: 6 }, (_, i) => fake(64).slice(0, 60 + i)).join("\n");
const pem = `-----BEGIN RSA PRIVATE KEY-----\n${pemBody}\n-----END RSA PRIVATE KEY-----`;

const cases: [SecretType, string, string][] = [
  ["openai", openaiProj, `export OPENAI_API_KEY=${openaiProj}`],
  ["openai", openaiLegacy, `client = OpenAI(api_key="${openaiLegacy}")`],
  ["anthropic", anthropic, `x-api-key: ${anthropic}`],
  ["keel", keel, `curl -H "Authorization: Bearer ${keel}" http://localhost:4000`],
  ["keel", keelAdmin, `admin token ${keelAdmin} printed once`],
  ["aws_access_key", awsId, `aws_access_key_id = ${awsId}`],
  ["aws_access_key", awsStsId, `"AccessKeyId": "${awsStsId}"`],
  ["aws_secret", awsSecret, `aws_secret_access_key = ${awsSecret}`],
  ["aws_secret", awsSecret, `AWS_SECRET_ACCESS_KEY="${awsSecret}"`],
  ["github", github, `git clone https://x-access-token:${github}@github.com/o/r`],
  ["github", githubPat, `GH_TOKEN=${githubPat}`],
  ["gitlab", gitlab, `PRIVATE-TOKEN: ${gitlab}`],
  ["slack", slack, `slack bot ${slack} posted`],
  ["stripe", stripe, `Stripe.api_key = '${stripe}'`],
  ["stripe", stripeRestricted, `key=${stripeRestricted}`],
  ["google_api_key", google, `https://maps.googleapis.com/maps/api/geocode/json?key=${google}&address=x`],
  ["jwt", jwt, `{"id_token": "${jwt}"}`],
  ["private_key", pemBody.split("\n")[2], `key file:\n${pem}\nend of file`],
  ["private_key", pemBody.split("\n")[2], JSON.stringify({ private_key: `${pem}\n` })],
  ["private_key", pemBody.split("\n")[2], `truncated: -----BEGIN PRIVATE KEY-----\n${pemBody}`],
  ["bearer", "f8Xk2Lq9Zr0TmVb7Nc4Hs1Yd", "Authorization: Bearer f8Xk2Lq9Zr0TmVb7Nc4Hs1Yd"],
  ["bearer", "f8Xk2Lq9Zr0TmVb7Nc4Hs1Yd", "sent bearer f8Xk2Lq9Zr0TmVb7Nc4Hs1Yd upstream"],
  ["basic_auth", "YWxhZGRpbjpvcGVuc2VzYW1l", "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l"],
  ["basic_auth", "YWxhZGRpbjpvcGVuc2VzYW1l", "proxy header basic YWxhZGRpbjpvcGVuc2VzYW1l"],
  ["authorization", "Tq8v3Kd93LmZa", `{"authorization": "Token Tq8v3Kd93LmZa"}`],
  ["password", "s3cr3t-Pa55", "DATABASE_URL=postgres://keel:s3cr3t-Pa55@db.internal:5432/keel"],
  ["password", "p@ss:w0rd", "mongodb+srv://admin:p@ss:w0rd@cluster0.example.net/app"],
  ["password", "hunter22", "redis://:hunter22@cache:6379/0"],
  ["password", "hunter2", "password: hunter2"],
  ["password", "postgres", "POSTGRES_PASSWORD=postgres"],
  ["password", "correct horse", `{"password": "correct horse", "user": "bob"}`],
  ["password", "Tr0ub4dor&3", "db_passwd = Tr0ub4dor&3"],
  ["password", "x1y2z3w4", `{\\"password\\": \\"x1y2z3w4\\", \\"user\\": \\"bob\\"}`],
  ["secret", "d41d8cd98f00b204e980", "api_key=d41d8cd98f00b204e980"],
  ["secret", "9f8e7d6c5b4a", "clientSecret: '9f8e7d6c5b4a'"],
  ["secret", "abc123def456", "GET /v1/files?access_token=abc123def456&limit=10"],
  ["secret", "0a1b2c3d4e5f", "openaiApiKey = \"0a1b2c3d4e5f\""],
];

for (const [type, secret, text] of cases) {
  test(`masks ${type}: ${text.slice(0, 48).replace(/\n/g, "⏎")}`, () => {
    const out = maskSecrets(text);
    if (type === "private_key") {
      // The whole block goes, so check that no line of the body survives.
      assert.ok(out.includes("[REDACTED:private_key]"), out);
      for (const line of pemBody.split("\n")) assert.ok(!out.includes(line), `PEM line survived: ${out}`);
    } else {
      // Exactly the secret is replaced: no fragment before or after it survives.
      assert.equal(out, text.split(secret).join(`[REDACTED:${type}]`));
    }
  });
}

test("keeps the syntax around a secret", () => {
  assert.equal(maskSecrets("postgres://keel:s3cr3t@db:5432/keel"), "postgres://keel:[REDACTED:password]@db:5432/keel");
  assert.equal(maskSecrets(`Authorization: Bearer ${keel}`), "Authorization: Bearer [REDACTED:keel]");
  assert.equal(maskSecrets("password: hunter2."), "password: [REDACTED:password].");
  assert.equal(maskSecrets(`{"api_key":"${openaiProj}","model":"gpt-4o"}`), '{"api_key":"[REDACTED:openai]","model":"gpt-4o"}');
  assert.equal(maskSecrets(`k=${awsId}, next`), "k=[REDACTED:aws_access_key], next");
});

const ordinary = [
  "The password is required and must be at least 8 characters. Password: required.",
  "Please enter your password: it is case-sensitive. The API key is shown once.",
  "Top secret: the launch moved. Authorization: pending review. The bearer of bad news arrived.",
  "Bearer token authentication is described in RFC 6750. Basic introduction to the skeleton.",
  "max_tokens: 4096, prompt_tokens=17, completion_tokens = 5, token_count: 12, tokenizer: o200k_base",
  "const token = await getToken(); if (password === \"\") return; apiKey: process.env.OPENAI_API_KEY",
  "password: string; apiKey?: string; token = tokens[0]; secret = null; const password = hashedPassword;",
  "client = OpenAI(api_key=api_key); OpenAI(api_key=key); client_secret = config.clientSecret",
  "api_key=os.environ['OPENAI_API_KEY'] password=${DB_PASSWORD} token=$GITHUB_TOKEN api_key=<your-api-key>",
  "password: ******** secret: REDACTED token: null password_hash: $2b$12$abcdefghijklmnopqrstuv",
  "See https://example.com:443/docs, http://localhost:8080/health and git@github.com:org/repo.git",
  "the sk-learn-style-classifier-is-very-good, risk-management-framework-overview-section",
  "Skeleton keys, monkeys and turkeys; AKIA is not a key; eyJ alone is not a JWT; ghp is an acronym.",
  "SELECT id, password_reset_at FROM users WHERE token_expires_at < now(); -- rotate secrets",
  "id: chatcmpl-8x7Yq2; model: gpt-4o-mini; usage: { total_tokens: 1234 }; sha: 9f86d081884c7d65",
];

test("leaves ordinary prose and code alone", () => {
  for (const text of ordinary) assert.equal(maskSecrets(text), text);
});

test("is idempotent", () => {
  for (const [, , text] of cases) {
    const once = maskSecrets(text);
    assert.equal(maskSecrets(once), once);
  }
});

// Not a speed test (bench/ measures speed): the bounds are ~10× what linear scanning takes even on a
// loaded machine, and exist to catch super-linear (ReDoS) behaviour, which takes minutes here.
test("stays linear on large and adversarial text", () => {
  const prose = `${ordinary.join(" ")} ${cases[3][2]} `;
  const big = prose.repeat(Math.ceil(5e6 / prose.length));
  let t = performance.now();
  const out = maskSecrets(big);
  const proseMs = performance.now() - t;
  assert.ok(!out.includes(keel));
  assert.ok(proseMs < 15_000, `5 MB of mixed text took ${proseMs.toFixed(0)} ms`);

  // Shapes that go quadratic or overflow irregexp's backtrack stack in naive patterns.
  const adversarial = [
    ("-----BEGIN PRIVATE KEY-----" + "y".repeat(100) + ".").repeat(20_000),
    "password: x ".repeat(200_000),
    "eyJ" + "a".repeat(4e6) + "." + "b".repeat(4e6),
    "sk-" + "a1".repeat(4e6),
    '"password": "' + "\\n".repeat(4e6),
    "Authorization: Bearer " + "a1".repeat(4e6),
    "postgres://u:" + "a1".repeat(4e6) + "@h",
  ];
  for (const text of adversarial) {
    t = performance.now();
    const masked = maskSecrets(text);
    const ms = performance.now() - t;
    assert.ok(!masked.startsWith("[REDACTED:unscannable"), `gave up on ${text.slice(0, 30)}`);
    assert.ok(ms < 15_000, `${text.slice(0, 30)}… (${text.length} chars) took ${ms.toFixed(0)} ms`);
  }
});

test("maskSecretsDeep masks values under sensitive keys and free text everywhere, without mutating", () => {
  const body = {
    model: "gpt-4o",
    max_tokens: 100,
    headers: { Authorization: "Bearer abc", "x-api-key": "k-123", Cookie: "session=abc", "Content-Type": "application/json" },
    credentials: { user: "bob", password: "hunter2", pin: 1234 },
    client_secret: 42,
    refreshToken: "r1",
    api_keys: ["a1", "b2", null],
    password: null,
    secret: "",
    is_secret: true,
    messages: [{ role: "user", content: `my key is ${openaiProj}, thanks` }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  };
  const before = structuredClone(body);
  assert.deepEqual(maskSecretsDeep(body), {
    model: "gpt-4o",
    max_tokens: 100,
    headers: { Authorization: "[REDACTED:authorization]", "x-api-key": "[REDACTED:secret]", Cookie: "[REDACTED:cookie]", "Content-Type": "application/json" },
    credentials: { user: "bob", password: "[REDACTED:password]", pin: 1234 },
    client_secret: "[REDACTED:secret]",
    refreshToken: "[REDACTED:secret]",
    api_keys: ["[REDACTED:secret]", "[REDACTED:secret]", null],
    password: null,
    secret: "",
    is_secret: true,
    messages: [{ role: "user", content: "my key is [REDACTED:openai], thanks" }],
    usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
  });
  assert.deepEqual(body, before);
});

test("maskSecretsDeep keeps LLM structures that merely use secret-ish key names", () => {
  const tool = { type: "function", function: { name: "login", parameters: { type: "object", properties: { password: { type: "string", description: "The user's password" } }, required: ["password"] } } };
  assert.deepEqual(maskSecretsDeep(tool), tool);
  const logprobs = { content: [{ token: "Hello", logprob: -0.01, bytes: [72], top_logprobs: [{ token: "Hi", logprob: -2 }] }] };
  assert.deepEqual(maskSecretsDeep(logprobs), logprobs);
  assert.deepEqual(maskSecretsDeep({ token: "opaque-session-value" }), { token: "[REDACTED:secret]" });
});

test("maskSecretsDeep copies only what it masks: nothing masked is the input itself, untouched branches are shared", () => {
  const clean = { model: "m", messages: [{ role: "user", content: "no secrets in here at all" }], n: 2, stop: null };
  assert.equal(maskSecretsDeep(clean), clean);
  const body = { model: "m", messages: [{ role: "system", content: "be brief" }, { role: "user", content: `use ${openaiProj}` }], tools: [{ type: "function" }] };
  const before = structuredClone(body);
  const masked = maskSecretsDeep(body) as typeof body;
  assert.deepEqual(masked, { ...before, messages: [before.messages[0], { role: "user", content: "use [REDACTED:openai]" }] });
  assert.notEqual(masked, body);
  assert.notEqual(masked.messages, body.messages);
  assert.equal(masked.messages[0], body.messages[0]);
  assert.equal(masked.tools, body.tools);
  assert.deepEqual(body, before);
  // serialised, a masked value keeps the input's key order
  assert.deepEqual(Object.keys(masked), Object.keys(body));
});

test("maskSecretsDeep survives cycles, deep nesting and non-plain values", () => {
  const a: Record<string, unknown> = { name: "a" };
  a.self = a;
  const shared = { n: 1 };
  assert.deepEqual(maskSecretsDeep({ a, x: shared, y: shared }), { a: { name: "a", self: "[Circular]" }, x: { n: 1 }, y: { n: 1 } });

  let deep: unknown = "leaf";
  for (let i = 0; i < 10_000; i++) deep = [deep];
  assert.doesNotThrow(() => JSON.stringify(maskSecretsDeep(deep)));
  assert.match(JSON.stringify(maskSecretsDeep(deep)), /too_deep/);

  const date = new Date(0);
  assert.deepEqual(maskSecretsDeep({ at: date, n: 1n, f: undefined }), { at: date.toISOString(), n: 1n, f: undefined });
  assert.equal(maskSecretsDeep(`Bearer ${keel}`), "Bearer [REDACTED:keel]");
});

test(`texts shorter than ${MIN_MASKABLE} characters hold no secret any rule finds; ${MIN_MASKABLE} can`, () => {
  assert.equal(maskSecrets("pwd='1"), "pwd='[REDACTED:password]");
  const samples = [
    "pwd='1", "pwd=\"12345\"", "password=hunter22", "pwd=a1b2", "token: abcd1234", "secret = s3cr3t!", "api_key='k'",
    "Authorization: Bearer abcdefghijklmnop1", "authorization=x", "Basic dXNlcjpwYXNz", "ab://u:p@h", "x://:1@", "sig=abcdefghijklmnopqrstu",
    `sk-${fake(24)}`, `AKIA${fake(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")}`, `ghp_${fake(36)}`,
  ];
  let checked = 0;
  for (const s of samples) {
    for (let n = 1; n < MIN_MASKABLE; n++) {
      for (let i = 0; i + n <= s.length; i++) {
        const sub = s.slice(i, i + n);
        assert.deepEqual(findSecrets(sub), [], JSON.stringify(sub));
        checked++;
      }
    }
  }
  assert.ok(checked > 500);
});

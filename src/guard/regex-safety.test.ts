/**
 * Every regular expression the guard runs over request text matches in linear time.
 *
 * Enumeration cannot miss one: regex literals are read from the source of every module under
 * src/guard (and src/secrets/redact.ts, whose rules the secrets scanner runs) with the TypeScript
 * parser; patterns built from templates must go through `pattern()` (regex-registry.ts), and any
 * other `new RegExp` there fails the first test.
 *
 * Linearity without a timed assertion: each pattern meets adversarial inputs built from its own
 * source (long runs of each character and word it loops over, near-miss word pairs repeated) and
 * from a fixed list of hostile shapes. A screening pass runs every pair once at 16 K characters;
 * only pairs that take noticeable time get the scaling check, which compares the time at n and 4n
 * characters (linear ≈ 4, quadratic ≈ 16) and fails at 10 or more. Times are the minimum of
 * several runs taken alternately at both sizes, because noise on a shared machine only ever adds
 * time; a failing ratio is re-measured twice at larger n before it counts, so a burst of load
 * cannot fail the test but a quadratic pattern fails every time.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { registeredPatterns } from "./regex-registry.js";
import { SCANNERS } from "./scanners/registry.js";
import { SECRET_PATTERNS } from "../secrets/redact.js";

const ROOT = join(import.meta.dirname, "..", "..");
const GUARD = join(ROOT, "src", "guard");
// The JSON-schema validator (a leaf guard and evals share) runs client-written patterns over model output: held to the same rules.
const EXTRA = [join(ROOT, "src", "secrets", "redact.ts"), join(ROOT, "src", "json-schema", "validate.ts"), join(ROOT, "src", "json-schema", "linear-pattern.ts")];
/** Files that may compile a RegExp from a string: the registry, the linear-engine compiler, and redact.ts (its passes are exported as SECRET_PATTERNS). */
const MAY_CONSTRUCT = new Set(["src/guard/regex-registry.ts", "src/json-schema/linear-pattern.ts", "src/secrets/redact.ts"]);
/** Operator- or client-written patterns (not vetted; docs/guardrails.md says so) are compiled only here. */
const OPERATOR_FILES = new Set([
  "src/guard/regex-registry.ts",
  "src/guard/actions/tool-policy.ts",
  "src/guard/actions/screen-tool-calls.ts",
  "src/json-schema/validate.ts",
  "src/guard/scanners/keyword-scanner.ts",
]);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

interface Found {
  id: string;
  re: RegExp;
}

const files = [...sources(GUARD), ...EXTRA];
const literals: Found[] = [];
const violations: string[] = [];
for (const file of files) {
  const rel = relative(ROOT, file);
  const sf = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const at = (n: ts.Node): string => `${rel}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const text = n.getText();
      const slash = text.lastIndexOf("/");
      literals.push({ id: at(n), re: new RegExp(text.slice(1, slash), text.slice(slash + 1)) });
    }
    if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression)) {
      const callee = n.expression.text;
      if (callee === "RegExp" && !MAY_CONSTRUCT.has(rel)) violations.push(`${at(n)}: new RegExp outside regex-registry.ts; use pattern(id, source, flags)`);
      if (callee === "operatorPattern" && !OPERATOR_FILES.has(rel)) violations.push(`${at(n)}: operatorPattern is for operator-written patterns only`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

// Importing every module registers its template patterns; building each scanner kind with its
// default options registers the ones made at creation (the toxicity lexicon).
for (const file of files) await import(pathToFileURL(file).href);
// (A scanner whose options have required fields, such as model_classifier's model, builds no
// patterns at creation; its literals are read from its source above.)
for (const def of SCANNERS.values()) {
  const o = def.options.safeParse({});
  if (o.success) def.create(o.data);
}

const all: Found[] = [
  ...literals,
  ...registeredPatterns().map((p) => ({ id: p.id, re: p.re })),
  ...SECRET_PATTERNS.map((p) => ({ id: p.id, re: p.re })),
];

test("every RegExp under src/guard is a literal or registered with pattern()", () => {
  assert.deepEqual(violations, []);
  // The enumeration reaches the patterns that matter (guards against a silently empty walk).
  const ids = new Set(all.map((p) => p.id));
  for (const id of ["signature.override.ignore_previous", "address.core_fused", "person.strong_cue", "pii.date", "secrets.tokens", "toxicity.lexicon"]) {
    assert.ok(ids.has(id), `${id} not enumerated`);
  }
  assert.ok(literals.some((l) => l.id.startsWith("src/guard/injection/decode.ts")), "decode.ts literals not read");
  assert.ok(all.length > 250, `only ${all.length} patterns found`);
});

/** Hostile shapes every pattern meets: runs of one character class, separators, and mixes. */
const GENERIC = [
  "a", "A", "1", " ", "\n", "\t", "\r\n", ".", "-", "_", "/", ":", ",", ";", "=", "+", "%", "#", "*", "'", "\"", "@", "<", "[", "(",
  "|", "!", "\\", "$", "é", "Ж", "α", "\u200b", "\u{E0041}", "\uFE0F", "ab ", "Ab ", "AB ", "aB1", "1 ", "12-", "1.", "1 Ab ", "Ab, ",
  "Ab\n", " \n", "\n ", "- ", ". ", ".-", "%41", "\\x41", "Aa1+/", "0a:", "a.b", "a-b", "a=", "a=\"", "<a>", "http://a", "a@b.",
  "-----", "#####", "Str. 1", "12 Ab 1", "Mr. Ab ", "Ab Ab Ab ",
];

function unitsFor(re: RegExp): string[] {
  const words = [...new Set(re.source.replace(/\\[pP]\{[^}]*\}|\\u\{?[0-9a-fA-F]+\}?|\\[a-zA-Z]/g, " ").match(/[A-Za-z\u00C0-\u024F\u0370-\u03FF]{2,}/g) ?? [])];
  // A spread of the pattern's own words (near misses: a word and its neighbour in the source, without the rest).
  const step = Math.max(1, Math.ceil(words.length / 6));
  const picked = words.filter((_, i) => i % step === 0);
  const units = [...GENERIC];
  for (const [i, w] of picked.entries()) {
    const cap = w[0].toUpperCase() + w.slice(1);
    units.push(`${w} `, `${w}\n`, `${cap} `, `${w}: `);
    const next = picked[i + 1];
    if (next) units.push(`${w} ${next} `, `${cap} ${next} 1 `);
  }
  return units;
}

const repeatTo = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

function run(re: RegExp, s: string): void {
  if (!re.global && !re.sticky) {
    re.exec(s);
    return;
  }
  // test() walks the matches as exec() does without allocating a result per match: patterns that
  // match at every character otherwise measure the garbage collector, which is not linear.
  re.lastIndex = 0;
  for (let at = 0; re.test(s); at = re.lastIndex) if (re.lastIndex === at) re.lastIndex++;
}

/**
 * CPU milliseconds of this process, not wall time: on a shared machine (CI beside other work) wall
 * time counts the moments this process was descheduled, which once made linear patterns read as
 * ×10–11 for ×4 input. `process.cpuUsage` has microsecond resolution; the sizes below keep each
 * timing ≥ 0.5 ms.
 */
function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

function minTime(re: RegExp, s: string, reps: number): number {
  let best = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = cpuMs();
    run(re, s);
    best = Math.min(best, cpuMs() - t0);
  }
  return best;
}

/** Linear input gives a ratio near 4 and quadratic near 16; between them, the line. */
const MAX_RATIO = 10;

/**
 * Time at 4n over time at n, with n grown until the small side takes ≥ 0.5 ms (below that,
 * timer and scheduler noise dominate). The two sizes are timed alternately, so a burst of load
 * lands on both; a high ratio is re-measured at twice the size, twice, and the lowest counts.
 */
function scaling(re: RegExp, unit: string, n: number): number {
  let ratio = Infinity;
  for (let attempt = 0; attempt < 3 && ratio >= MAX_RATIO; attempt++, n *= 2) {
    while (n < 65_536 && minTime(re, repeatTo(unit, n), 3) < 0.5) n *= 2;
    const small = repeatTo(unit, n);
    const large = repeatTo(unit, 4 * n);
    let a = Infinity;
    let b = Infinity;
    for (let i = 0; i < 7; i++) {
      a = Math.min(a, minTime(re, small, 1));
      b = Math.min(b, minTime(re, large, 1));
    }
    ratio = Math.min(ratio, b / Math.max(a, 1e-3));
  }
  return ratio;
}

const SCREEN_CHARS = 16_384;
const SCREEN_MS = 5;

test("every guard pattern scales linearly on adversarial input", () => {
  const failures: string[] = [];
  const screens = new Map<string, string>();
  for (const { id, re: original } of all) {
    const re = new RegExp(original.source, original.flags);
    // V8 interprets a regex's first runs and compiles it to machine code after: warm it up first.
    for (let i = 0; i < 3; i++) run(re, "warm up 12 Ab, a@b.c: 1-2 Ab Ab\n");
    for (const unit of unitsFor(re)) {
      let s = screens.get(unit);
      if (!s) screens.set(unit, (s = repeatTo(unit, SCREEN_CHARS)));
      const t0 = cpuMs();
      run(re, s);
      if (cpuMs() - t0 < SCREEN_MS) continue;
      const ratio = scaling(re, unit, SCREEN_CHARS / 4);
      if (ratio >= MAX_RATIO) failures.push(`${id} /${re.source.slice(0, 80)}…/${re.flags} on ${JSON.stringify(unit)} repeated: ×${ratio.toFixed(1)} time for ×4 input`);
    }
  }
  assert.deepEqual(failures, []);
});

test("the scaling check itself tells quadratic from linear", () => {
  // A known quadratic shape (a greedy run that must backtrack at every start) and its linear fix.
  assert.ok(scaling(/[a-z]+\d/, "a", 2048) >= MAX_RATIO);
  assert.ok(scaling(/(?<![a-z])[a-z]+\d/, "a", 2048) < MAX_RATIO);
});

import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import { guardConfigSchema } from "../policy/config-schema.js";
import { calibrateFromReviews, CalibrationError, policyNameForRoute, policySnippet, type ReviewedVerdict } from "./calibrate.js";

const item = (status: ReviewedVerdict["status"], score: number, route: string | null = "gpt-4o", scanner = "prompt_injection", action = "block"): ReviewedVerdict => ({ status, score, route, scanner, action });

test("the threshold clears all but the target share of confirmed false positives; detection is over confirmed attacks", () => {
  const items = [
    ...[0.55, 0.6, 0.62, 0.7, 0.71, 0.75, 0.8, 0.81, 0.85, 0.9].map((s) => item("confirmed", s)),
    ...[0.72, 0.95, 0.99, 1].map((s) => item("rejected", s)),
    item("open", 0.99),
    item("confirmed", 0.99, "other-route"),
    item("confirmed", 0.99, "gpt-4o", "indirect_injection"),
  ];
  const c = calibrateFromReviews(items, { scanner: "prompt_injection", route: "gpt-4o", targetFpr: 0.1 });
  // One of ten may stay flagged (0.9): the threshold clears 0.85.
  assert.equal(c.threshold, 0.851);
  assert.deepEqual(c.confirmed_false_positives, { n: 10, still_flagged: 1, false_positive_rate: 0.1 });
  assert.deepEqual(c.confirmed_attacks, { n: 4, still_caught: 3, detection_rate: 0.75 });
  assert.equal(c.open, 1);
  // Without a route, every route's items count.
  assert.equal(calibrateFromReviews(items, { scanner: "prompt_injection", targetFpr: 0 }).confirmed_false_positives.n, 11);
});

test("calibration says precisely why it cannot run", () => {
  assert.throws(() => calibrateFromReviews([], { scanner: "prompt_injection", route: "r", targetFpr: 0.02 }), (e: unknown) => e instanceof CalibrationError && /no review items for "prompt_injection" on route "r"/.test(e.message));
  assert.throws(() => calibrateFromReviews([item("rejected", 0.9), item("open", 0.8)], { scanner: "prompt_injection", targetFpr: 0.02 }), /no confirmed false positives for "prompt_injection" \(1 confirmed attacks, 1 open\)/);
  assert.throws(() => calibrateFromReviews([item("confirmed", 0.9)], { scanner: "prompt_injection", targetFpr: 0.6 }), /between 0 and 0\.5/);
  const none = calibrateFromReviews([item("confirmed", 0.9)], { scanner: "prompt_injection", targetFpr: 0 });
  assert.deepEqual(none.confirmed_attacks, { n: 0, still_caught: 0, detection_rate: null });
});

test("the yaml snippet: a built-in policy whole, an operator's policy one line, a route its own policy and rule", () => {
  const c = { scanner: "prompt_injection", threshold: 0.851, action: "block", route: "gpt-4o" };
  const builtIn = policySnippet(c, "default-input");
  assert.match(builtIn, /^guard:\n {2}policies:\n {4}default-input:\n {6}stage: input\n {6}scanners:\n {8}prompt_injection: \{ action: block, threshold: 0\.851 \}\n {8}indirect_injection: block\n/);
  assert.match(builtIn, /size_limit: block$/);
  assert.match(policySnippet(c, "support-input"), /^ {4}support-input:\n {6}scanners: .*keep support-input's other scanners.*\n {8}prompt_injection: \{ action: block, threshold: 0\.851 \}$/m);
  const route = policySnippet(c);
  assert.match(route, /^ {4}gpt-4o-input:\n/m);
  assert.match(route, /^ {4}- \{ model: "gpt-4o", input: gpt-4o-input \}$/m);
  assert.equal(policyNameForRoute("Org/Llama 3.1:70B"), "org-llama-3-1-70b-input");
  assert.equal(policyNameForRoute("***"), "route-input");
  assert.equal(policyNameForRoute("_x_"), "x-input");
  // The snippets are configuration Keel loads: the threshold lands on the policy's scanner.
  for (const [yaml, name] of [[builtIn, "default-input"], [route, "gpt-4o-input"]] as const) {
    const g = guardConfigSchema.parse(parse(yaml).guard);
    assert.equal(g.policies[name].scanners.prompt_injection.threshold, 0.851);
  }
  assert.equal(guardConfigSchema.parse(parse(route).guard).assign[0].input, "gpt-4o-input");
});

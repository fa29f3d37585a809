import assert from "node:assert/strict";
import { test } from "node:test";
import { comparePassages } from "./detect.js";
import { sentencesOf, valuesOf } from "./values.js";

const slots = (s: string): [string, string, string][] => valuesOf(s).slots.map((x) => [x.kind, x.raw, x.norm]);

test("value slots: dates, times, amounts, percentages, versions and numbers, normalised; identifiers are not values", () => {
  assert.deepEqual(slots("Error ERR-4021 and model X-200 first appeared on March 1, 2024."), [["date", "March 1, 2024", "2024-03-01"]]);
  assert.deepEqual(slots("Due 2024-03-01, or 1 March 2024, or 3/1/2024."), [["date", "2024-03-01", "2024-03-01"], ["date", "1 March 2024", "2024-03-01"], ["date", "3/1/2024", "2024-03-01"]]);
  assert.deepEqual(slots("It costs $1,200.50, €5 or 10 USD; 1.5 million users."), [["amount", "$1,200.50", "USD 1200.5"], ["amount", "€5", "EUR 5"], ["amount", "10 USD", "USD 10"], ["number", "1.5 million", "1500000"]]);
  assert.deepEqual(slots("Version 2.4.0 opens at 9:30 am with 15% off for five days."), [["version", "Version 2.4.0", "2.4"], ["time", "9:30 am", "09:30"], ["percent", "15%", "15"], ["number", "five", "5"]]);
  assert.deepEqual(slots("Since 2019 the v3 API replaced v3.0.0."), [["date", "2019", "2019"], ["version", "v3", "3"], ["version", "v3.0.0", "3"]]);
  assert.deepEqual(valuesOf("Refunds take 5 days.").tokens, ["refunds", "take", "<number>", "days"]);
  assert.deepEqual(sentencesOf("One. Two costs $2.50 now!\nThree"), ["One.", "Two costs $2.50 now!", "Three"]);
});

test("conflict: the same statement with another value; agreement, other entities and other attributes are not", () => {
  const one = (a: string, b: string) => comparePassages(a, b).map((f) => [f.kind, f.left.value, f.right.value]);
  assert.deepEqual(one("Refunds are issued within 5 business days.", "Refunds are issued within 10 business days."), [["number", "5", "10"]]);
  assert.deepEqual(one("The contract ends on March 31, 2025.", "The contract ends on 2025-06-30."), [["date", "March 31, 2025", "2025-06-30"]]);
  assert.deepEqual(one("Refunds are issued within five business days.", "A refund is issued within 5 business days."), [], "same value, two spellings");
  assert.deepEqual(one("The Pro plan costs $20 per month.", "The Basic plan costs $10 per month."), [], "another named entity");
  assert.deepEqual(one("The basic plan includes 5 seats.", "The premium plan includes 20 seats."), [], "another modifier of the same noun");
  assert.deepEqual(one("The plan includes 5 seats.", "The plan includes 5 projects."), [], "another unit: another attribute (and the same value)");
  assert.deepEqual(one("The plan includes 5 seats.", "The plan includes 8 projects."), [], "another unit with another value is still another attribute");
  assert.deepEqual(one("The office opens at 9am on weekdays.", "Invoices are due within 30 days."), [], "unrelated");
  const two = comparePassages("The starter tier allows 100 requests per minute and 5 projects.", "The starter tier allows 120 requests per minute and 5 projects.");
  assert.deepEqual(two.map((f) => [f.left.value, f.right.value]), [["100", "120"]], "slots align by context: only the differing one");
});

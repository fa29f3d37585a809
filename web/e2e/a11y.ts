import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";

/**
 * Checks what a person with a screen reader or low vision hits first, in the rendered page:
 * every visible control has an accessible name, text meets WCAG 2.1 AA contrast (4.5:1, or 3:1
 * for large text) against its effective background, ids are unique, there is one h1, and images
 * have alt text. Returns one line per problem; an empty list is a pass.
 */
export async function a11yProblems(page: Page): Promise<string[]> {
  // Passed as source text: the test runner's transpiler would wrap named functions in a helper the page lacks.
  return page.evaluate(CHECK) as Promise<string[]>;
}

const CHECK = readFileSync(new URL("./a11y-check.js", import.meta.url), "utf8");


/**
 * The Annotate page in headless Chromium against a real Keel: the queue list, then a reviewer
 * working through a queue with the keyboard only — two items labelled, one skipped, the API's
 * refusals (a missing value, a value off the scale) shown at their fields with nothing lost —
 * and the labels then read back from the API. Needs `npm run build` (dist/ui) and Debian's chromium.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { DEFAULT_UI_DIR } from "../../src/server/ui-static.js";
import { startTestKeel, type TestKeel } from "../../src/testing/keel-fixture.js";
import { a11yProblems } from "./a11y.js";
import { HOURS, QUEUE, seedAnnotation } from "./annotate-seed.js";
import { launch, settled, signIn, watch } from "./browser.js";

/** Screenshots for a person to look at: .scratch/ is excluded from git. */
const SHOTS = process.env.KEEL_E2E_SHOTS ?? join(process.cwd(), ".scratch");
let keel: TestKeel;
let chrome: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  assert.ok(existsSync(`${DEFAULT_UI_DIR}/index.html`), "the dashboard is not built: run `npm run build` first");
  mkdirSync(SHOTS, { recursive: true });
  keel = await startTestKeel();
  await seedAnnotation(keel);
  chrome = await launch();
  page = await (await chrome.newContext({ viewport: { width: 1360, height: 1000 } })).newPage();
  watch(page, problems, keel.url);
  await signIn(page, keel.url, keel.adminToken);
});
after(async () => {
  await chrome?.close();
  await keel?.close();
});

const url = (path: string): string => `${keel.url}/ui${path}`;
const focusedId = (): Promise<string | null> => page.evaluate("document.activeElement?.id ?? null") as Promise<string | null>;
const heading = (): Promise<string> => page.locator("#item-h").innerText();
/** The browser logs each 4xx the page asked for as a console error; those the test provoked are expected. */
const unexpected = (): string[] => problems.filter((p) => !/status of (400|409)/.test(p));

test("queue list: items by state, agreement, the export gate; the queue opens to a reviewer picker", async () => {
  await page.goto(url("/annotate"));
  await page.getByRole("heading", { level: 1, name: "Annotate" }).waitFor();
  await settled(page);
  await page.getByText("no labels yet").waitFor();
  // The gate reads the agreement with a request of its own.
  await page.locator(".badge", { hasText: /^(open|closed)/ }).waitFor();
  const row = (await page.getByRole("row").filter({ hasText: QUEUE.name }).innerText()).split("\t").map((s) => s.trim());
  assert.deepEqual(row.slice(0, 6), [QUEUE.name, "4", "4", "0", "0", "0"], "4 items, all pending");
  assert.match(row[7], /closed: α undefined \(needs ≥ 0\.8\)/);
  assert.deepEqual(await a11yProblems(page), []);
  await page.getByRole("link", { name: QUEUE.name }).click();
  await page.getByRole("heading", { level: 1, name: `Queue ${QUEUE.name}` }).waitFor();
  // The reviewer links come with the queue's own request, after its heading: wait for them
  // (isVisible() answers at once, which lost that race once in CI).
  await page.getByRole("link", { name: "Review as ann" }).waitFor();
  await page.getByRole("link", { name: "Review as bob" }).waitFor();
  assert.deepEqual(unexpected(), []);
});

test("a reviewer labels two items and skips one with the keyboard only; refusals show at their field and keep the draft", async () => {
  problems.length = 0;
  await page.goto(url(`/annotate/${QUEUE.name}/ann`));
  await page.getByRole("heading", { level: 2, name: /^Item 1 of 4/ }).waitFor();
  await settled(page);
  // it_0, the newest trace: the call answered from the vector store, with its chunk beside the answer.
  const item = page.locator(".annotate-item");
  assert.match(await item.innerText(), /When can I reach support\?/);
  assert.equal(await item.locator("blockquote.chunk").innerText(), HOURS);
  assert.match(await item.locator(".retrieval").innerText(), /vs_\w+ · hybrid · same span · keel/);
  assert.match(await page.locator(".key-hints").innerText(), /S\s+skip the item/);
  assert.match(await page.getByText("Critique (required)").innerText(), /required/);
  assert.deepEqual(await a11yProblems(page), [], "work view: accessibility");

  // Focus starts on the first dimension; "4" picks quality 4, visibly focused.
  assert.equal(await focusedId(), "dim-0-v-1");
  await page.keyboard.press("4");
  assert.equal(await focusedId(), "dim-0-v-4");
  assert.ok(await page.locator("#dim-0-v-4").isChecked());
  assert.notEqual(await page.evaluate("getComputedStyle(document.activeElement).outlineStyle"), "none", "the focused value shows a focus ring");
  // Enter now: the API refuses the missing tone, and says so at the tone.
  await page.keyboard.press("Enter");
  const toneError = page.locator("#dim-1-error");
  await toneError.waitFor();
  assert.match(await toneError.innerText(), /Missing a value for rubric dimension 'tone' \(allowed: "ok", "rude"\)/);
  assert.ok(await page.locator("#dim-0-v-4").isChecked(), "the picked value survived the error");

  // ↓ to tone, "o" for ok; ↓ to accuracy, a number off its scale; Tab to the critique.
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("o");
  assert.ok(await page.locator("#dim-1-v-ok").isChecked());
  await page.keyboard.press("ArrowDown");
  assert.equal(await focusedId(), "dim-2-input");
  await page.keyboard.type("150");
  await page.keyboard.press("Tab");
  assert.equal(await focusedId(), "critique");
  await page.keyboard.type("Quotes the hours from the document correctly.");
  await page.keyboard.press("Control+Enter");
  const accError = page.locator("#dim-2-error");
  await accError.waitFor();
  assert.match(await accError.innerText(), /Value 150 is outside the scale of 'accuracy'; allowed: integers 0\.\.100\./);
  assert.equal(await page.locator("#dim-1-error").count(), 0, "the earlier error went");
  assert.equal(await page.locator("#critique").inputValue(), "Quotes the hours from the document correctly.", "nothing typed is lost");
  assert.equal(await page.locator("#dim-2-input").getAttribute("aria-invalid"), "true");
  await page.screenshot({ path: join(SHOTS, "annotate-work-error.png"), fullPage: true });

  // Esc leaves the critique for the dimension last focused; fix the number; Enter submits.
  await page.keyboard.press("Escape");
  assert.equal(await focusedId(), "dim-2-input");
  await page.keyboard.press("Control+a");
  await page.keyboard.type("90");
  await page.keyboard.press("Enter");
  await page.getByRole("status").filter({ hasText: "Saved ann's label on it_0: now in review." }).waitFor();
  await page.getByRole("heading", { level: 2, name: /^Item 2 of 4/ }).waitFor();
  assert.match(await page.locator(".annotate-item").innerText(), /Retrieved context\s+none/);

  // S skips it_1; the next open item is it_2.
  await page.keyboard.press("s");
  await page.getByRole("status").filter({ hasText: "Skipped it_1." }).waitFor();
  await page.getByRole("heading", { level: 2, name: /^Item 3 of 4/ }).waitFor();
  await settled(page);
  await page.keyboard.press("5");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("2"); // the second label: rude
  await page.keyboard.press("ArrowDown");
  await page.keyboard.type("40");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Correct, but curt.");
  await page.keyboard.press("Tab");
  await page.keyboard.type("You can export invoices as CSV from Billing → Invoices.");
  await page.keyboard.press("Control+Enter");
  await page.getByRole("status").filter({ hasText: "Saved ann's label on it_2: now in review." }).waitFor();
  await page.getByRole("heading", { level: 2, name: /^Item 4 of 4/ }).waitFor();

  // K goes back: the item shows the reviewer's own label; J forward again.
  await page.keyboard.press("k");
  await page.getByRole("heading", { level: 2, name: /^Item 3 of 4/ }).waitFor();
  await settled(page);
  await page.locator("#dim-1-v-rude:checked").waitFor();
  assert.ok(await page.locator("#dim-0-v-5").isChecked());
  assert.equal(await page.locator("#dim-2-input").inputValue(), "40");
  assert.equal(await page.locator("#critique").inputValue(), "Correct, but curt.");
  await page.keyboard.press("j");
  await page.getByRole("heading", { level: 2, name: /^Item 4 of 4/ }).waitFor();
  assert.match(await page.locator("main").innerText(), /1 of 4 items left for you/);
  assert.deepEqual(await a11yProblems(page), []);
  assert.deepEqual(unexpected(), []);

  // The API has the two labels with their reviewer and expertise, and the skip.
  const label = async (id: string): Promise<{ state: string; labels: Record<string, unknown>[] }> => {
    const r = await keel.admin("GET", `/api/v1/annotate/queues/${QUEUE.name}/items/${id}`);
    assert.equal(r.status, 200);
    return { state: r.json.item.state, labels: r.json.labels };
  };
  const first = await label("it_0");
  assert.equal(first.state, "in_review");
  assert.deepEqual(first.labels.map((l) => [l.reviewer, l.expertise, l.values, l.critique, l.correction]),
    [["ann", "expert", { quality: 4, tone: "ok", accuracy: 90 }, "Quotes the hours from the document correctly.", null]]);
  assert.deepEqual((await label("it_1")), { state: "skipped", labels: [] });
  const third = await label("it_2");
  assert.deepEqual(third.labels.map((l) => [l.reviewer, l.values, l.critique, l.correction]),
    [["ann", { quality: 5, tone: "rude", accuracy: 40 }, "Correct, but curt.", "You can export invoices as CSV from Billing → Invoices."]]);
  assert.deepEqual((await label("it_3")).labels, []);
  const q = await keel.admin("GET", `/api/v1/annotate/queues/${QUEUE.name}`);
  assert.deepEqual(q.json.states, { pending: 1, in_review: 2, done: 0, skipped: 1 });
});

test("a skipped item refuses a label, said inline; the list shows the new states", async () => {
  problems.length = 0;
  await page.goto(url(`/annotate/${QUEUE.name}/bob`));
  await page.getByRole("heading", { level: 2, name: /^Item 1 of 4/ }).waitFor();
  await settled(page);
  await page.keyboard.press("j");
  await page.getByRole("heading", { level: 2, name: /^Item 2 of 4/ }).waitFor();
  assert.match(await heading(), /skipped/);
  await settled(page);
  await page.keyboard.press("3");
  await page.keyboard.press("Enter");
  const err = page.locator("form.rubric [role=alert]");
  await err.waitFor();
  assert.match(await err.innerText(), /Item it_1 was skipped; it takes no labels\./);

  const listRow = async (): Promise<string[]> => {
    await page.goto(url("/annotate"));
    await page.getByRole("heading", { level: 1, name: "Annotate" }).waitFor();
    await settled(page);
    await page.getByText(/quality: /).waitFor();
    await page.locator(".badge", { hasText: /^(open|closed)/ }).waitFor();
    return (await page.getByRole("row").filter({ hasText: QUEUE.name }).innerText()).split("\t").map((s) => s.trim());
  };
  let row = await listRow();
  assert.deepEqual(row.slice(0, 6), [QUEUE.name, "4", "1", "2", "0", "1"]);
  assert.match(row[6], /quality: undefined \(no unit was rated by two or more raters\)/, "one reviewer per item: nothing to agree about yet");
  assert.match(row[7], /closed: α undefined/);

  // bob gives ann's values on both items: the alphas are 1, the gate opens.
  for (const [id, values] of [["it_0", { quality: 4, tone: "ok", accuracy: 90 }], ["it_2", { quality: 5, tone: "rude", accuracy: 40 }]] as const) {
    const put = await keel.admin("POST", `/api/v1/annotate/queues/${QUEUE.name}/items/${id}/labels`, { reviewer: "bob", values, critique: "Agree." });
    assert.equal(put.status, 201, JSON.stringify(put.json));
  }
  const report = (await keel.admin("GET", `/api/v1/annotate/queues/${QUEUE.name}/agreement?resamples=200`)).json;
  row = await listRow();
  assert.deepEqual(row.slice(0, 6), [QUEUE.name, "4", "1", "0", "2", "1"]);
  const q = report.dimensions.find((d: { dimension: string }) => d.dimension === "quality");
  assert.ok(row[6].includes(`quality: ${q.alpha.value.toFixed(3)}${q.alpha_ci ? ` [${q.alpha_ci.low.toFixed(3)}, ${q.alpha_ci.high.toFixed(3)}]` : ""} · ordinal, n = 2`), row[6]);
  assert.match(row[7], /open: α 1\.000 ≥ 0\.8/);
  assert.deepEqual(await a11yProblems(page), []);
  await page.screenshot({ path: join(SHOTS, "annotate-queues.png"), fullPage: true });
  assert.deepEqual(unexpected(), []);
});

test("a viewer key reads the queue and moves through it, with no write control", async () => {
  const created = await keel.admin("POST", "/api/v1/keys", { name: "annotate-viewer", role: "viewer" });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const ctx = await chrome.newContext({ viewport: { width: 1280, height: 900 } });
  const viewer = await ctx.newPage();
  const seen: string[] = [];
  viewer.on("console", (m) => void (m.type() === "error" && seen.push(m.text())));
  try {
    await signIn(viewer, keel.url, created.json.key);
    // bob has labelled it_0 and it_2 and it_1 is skipped: his work view opens at it_3.
    await viewer.goto(url(`/annotate/${QUEUE.name}/bob`));
    await viewer.getByRole("heading", { level: 2, name: /^Item 4 of 4/ }).waitFor();
    await settled(viewer);
    assert.equal(await viewer.getByRole("button", { name: /^(Submit label|Skip)/ }).count(), 0);
    assert.match(await viewer.locator("main").innerText(), /Read-only: a viewer key cannot label\./);
    await viewer.keyboard.press("s"); // not a skip for a viewer
    await viewer.keyboard.press("k");
    await viewer.getByRole("heading", { level: 2, name: /^Item 3 of 4/ }).waitFor();
    await settled(viewer);
    // bob's own label, not ann's: her critique on it_2 was "Correct, but curt.".
    assert.ok(await viewer.locator("#dim-1-v-rude").isChecked());
    assert.equal(await viewer.locator("#critique").inputValue(), "Agree.");
    assert.equal((await keel.admin("GET", `/api/v1/annotate/queues/${QUEUE.name}`)).json.states.skipped, 1, "nothing was skipped");
    assert.deepEqual(await a11yProblems(viewer), []);
    assert.deepEqual(seen, []);
  } finally {
    await ctx.close();
  }
});

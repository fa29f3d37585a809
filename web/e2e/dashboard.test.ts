/**
 * The dashboard in headless Chromium against a real Keel seeded with simulator traffic: every
 * page renders with no console errors, and a prompt rollback from the UI changes what the
 * gateway serves next. Needs `npm run build` (dist/ui) and Debian's chromium.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DEFAULT_UI_DIR } from "../../src/server/ui-static.js";
import { startTestKeel, type TestKeel } from "../../src/testing/keel-fixture.js";
import { launch, settled, signIn } from "./browser.js";
import { SEEDED_CONFIG, seedKeel } from "./seed.js";

let keel: TestKeel;
let chrome: Browser;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

before(async () => {
  assert.ok(existsSync(`${DEFAULT_UI_DIR}/index.html`), "the dashboard is not built: run `npm run build` first");
  keel = await startTestKeel(SEEDED_CONFIG);
  await seedKeel(keel);
  chrome = await launch();
  context = await chrome.newContext({ viewport: { width: 1400, height: 900 } });
  page = await context.newPage();
  page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()}`)));
  page.on("pageerror", (e) => void problems.push(`page error: ${e.message}`));
  // ERR_ABORTED is the browser cancelling the previous page's requests on navigation, not a failure.
  page.on("requestfailed", (r) => void (r.failure()?.errorText !== "net::ERR_ABORTED" && problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`)));
  // Nothing may leave this origin: no CDN, no fonts.
  page.on("request", (r) => void (!r.url().startsWith(keel.url) && !r.url().startsWith("data:") && problems.push(`external request: ${r.url()}`)));
  await signIn(page, keel.url, keel.adminToken);
});
after(async () => {
  await chrome?.close();
  await keel?.close();
});

const PAGES: [string, string][] = [
  ["/", "Overview"], ["/traces", "Traces"], ["/prompts", "Prompts"], ["/prompts/support", "Prompt support"], ["/evals", "Evals"],
  ["/guard", "Guardrails"], ["/alerts", "Alerts and incidents"], ["/keys", "Keys and spend"],
];

test("every page loads with no console errors", async () => {
  for (const [path, heading] of PAGES) {
    problems.length = 0;
    await page.goto(`${keel.url}/ui${path}`);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await settled(page);
    assert.equal(await page.locator(".error").count(), 0, `${path}: ${await page.locator(".error").allInnerTexts()}`);
    assert.deepEqual(problems, [], path);
  }
});

test("overview shows the seeded traffic, formatted, with uPlot charts", async () => {
  await page.goto(`${keel.url}/ui/`);
  await settled(page);
  const requests = page.locator(".stat", { hasText: "Requests" }).locator(".stat-value");
  assert.equal(await requests.innerText(), "40");
  assert.match(await page.locator(".stat", { hasText: "Latency p50" }).locator(".stat-value").innerText(), /\d+ ms/);
  assert.ok((await page.locator(".chart canvas").count()) >= 4);
  assert.deepEqual(problems, []);
});

test("traces: list, search, detail with attempts and redactions shown as such", async () => {
  await page.goto(`${keel.url}/ui/traces`);
  await settled(page);
  assert.equal(await page.locator("tbody tr").count(), 40);
  await page.getByLabel("Search loaded traces").fill("flaky");
  const flaky = await page.locator("tbody tr").count();
  assert.ok(flaky > 0 && flaky < 40, `search narrowed to ${flaky}`);
  await page.getByLabel("Search loaded traces").fill("");
  // Keyboard: the first trace link takes focus and opens with Enter.
  const first = page.locator("tbody tr a").first();
  await first.focus();
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: /^Trace / }).waitFor();
  await settled(page);
  await page.getByRole("heading", { name: "Attempts and failovers" }).waitFor();
  // A call whose body held a secret shows the mask, marked as a redaction.
  const { json } = await keel.admin("GET", "/api/v1/traces?limit=100");
  const details = await Promise.all(json.data.map((t: { id: string }) => keel.admin("GET", `/api/v1/traces/${t.id}`)));
  const masked = details.map((r) => r.json).find((t) => /\[REDACTED|\[SECRET_\d/.test(JSON.stringify(t.request ?? "")));
  assert.ok(masked, "the seed stored a masked request body");
  await page.goto(`${keel.url}/ui/traces/${encodeURIComponent(masked.id)}`);
  await settled(page);
  assert.ok((await page.locator("mark.redaction").count()) >= 1, "redaction marks rendered");
  const guarded = details.map((r) => r.json).find((t) => t.guard?.some((g: { triggered: boolean; action: string }) => g.triggered && g.action === "block"));
  assert.ok(guarded, "the seed has a blocked call");
  await page.goto(`${keel.url}/ui/guard`);
  await settled(page);
  assert.ok((await page.getByRole("table", { name: /blocked or redacted/ }).locator("tbody tr").count()) >= 1, "recent blocks listed");
  assert.deepEqual(problems, []);
});

test("keys and spend: budget used against the key's own limits, top spenders", async () => {
  await page.goto(`${keel.url}/ui/keys`);
  await settled(page);
  const row = page.getByRole("table", { name: "Virtual keys with budget used" }).getByRole("row", { name: /search-team/ });
  assert.match(await row.innerText(), /\$[\d.]+ of \$0\.010 \d+(\.\d)?%/, "today: spent of the daily budget, as a share");
  assert.equal(await page.getByRole("table", { name: "Top users by cost" }).locator("tbody tr").count(), 4);
  assert.deepEqual(problems, []);
});

test("evals: compare two runs, then drill into one run's items", async () => {
  await page.goto(`${keel.url}/ui/evals`);
  await settled(page);
  assert.equal(await page.getByRole("table", { name: "Eval runs, newest first" }).locator("tbody tr").count(), 2);
  const [baseline, candidate] = await Promise.all(["capitals-baseline", "capitals-candidate"].map(async (n) =>
    (await keel.admin("GET", `/api/v1/evals/runs?name=${n}`)).json.data[0].id as string));
  await page.getByLabel("Baseline").selectOption(baseline);
  await page.getByLabel("Candidate").selectOption(candidate);
  const cmp = page.getByRole("table", { name: "Metric comparison" });
  await cmp.waitFor();
  assert.match(await cmp.locator("tbody tr").first().innerText(), /exact[\s\S]*1\.000[\s\S]*0\.667/);
  await page.getByRole("link", { name: "capitals-candidate" }).click();
  await page.getByRole("heading", { level: 1, name: "Eval run capitals-candidate" }).waitFor();
  await settled(page);
  const item = page.getByRole("button", { name: "q1", exact: true });
  await item.click();
  assert.equal(await item.getAttribute("aria-expanded"), "true");
  assert.match(await page.locator("tbody tr", { has: item }).innerText(), /I do not know\.[\s\S]*expected A1/);
  assert.deepEqual(problems, []);
});

test("prompt rollback from the UI, confirmed; the next gateway request gets the old version", async () => {
  const served = async (): Promise<string | null> => {
    const res = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "sim", prompt: { name: "support" }, messages: [{ role: "user", content: "hi" }] }),
    });
    await res.arrayBuffer();
    return res.headers.get("x-keel-prompt-version");
  };
  assert.equal(await served(), "support@2");
  await page.goto(`${keel.url}/ui/prompts/support`);
  await settled(page);
  await page.getByRole("button", { name: "Roll back production" }).click();
  const dialog = page.getByRole("dialog", { name: /Roll back support@production/ });
  await dialog.waitFor();
  // Cancel first: nothing moves without confirmation.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  assert.equal(await served(), "support@2");
  await page.getByRole("button", { name: "Roll back production" }).click();
  await dialog.getByLabel(/Reason/).fill("e2e: friendlier prompt regressed");
  await dialog.getByRole("button", { name: "Confirm rollback" }).click();
  await page.getByRole("status").filter({ hasText: "v2 → v1" }).waitFor();
  assert.equal(await served(), "support@1");
  const audit = await keel.admin("GET", "/api/v1/audit?limit=5");
  assert.ok(JSON.stringify(audit.json).includes("e2e: friendlier prompt regressed"), "the reason reached the audit log");
  assert.deepEqual(problems, []);
});

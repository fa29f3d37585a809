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
import { a11yProblems } from "./a11y.js";
import { launch, settled, signIn, watch } from "./browser.js";
import { AGENT, SEEDED_CALLS, SEEDED_CONFIG, seedKeel } from "./seed.js";

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
  watch(page, problems, keel.url);
  // ERR_ABORTED is the browser cancelling the previous page's requests on navigation, not a failure.
  page.on("requestfailed", (r) => void (r.failure()?.errorText !== "net::ERR_ABORTED" && problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`)));
  await signIn(page, keel.url, keel.adminToken);
});
after(async () => {
  await chrome?.close();
  await keel?.close();
});

const PAGES: [string, string | RegExp][] = [
  ["/", "Overview"], ["/traces", "Traces"], ["/prompts", "Prompts"], ["/prompts/support", "Prompt support"], ["/prompts/triage", "Prompt triage"],
  ["/evals", "Evals"], ["/evals/calibration", "Judge calibration"], ["/guard", "Guardrails"], ["/alerts", "Alerts and incidents"],
  ["/keys", "Keys and spend"],
];

test("every page loads with no console errors, labelled controls and AA contrast", async () => {
  for (const [path, heading] of PAGES) {
    problems.length = 0;
    await page.goto(`${keel.url}/ui${path}`);
    await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    await settled(page);
    assert.equal(await page.locator(".error").count(), 0, `${path}: ${await page.locator(".error").allInnerTexts()}`);
    assert.deepEqual(problems, [], path);
    assert.deepEqual(await a11yProblems(page), [], `${path}: accessibility`);
  }
});

test("keyboard: skip link first, then the navigation, every page reachable without a mouse", async () => {
  await page.goto(`${keel.url}/ui/`);
  await settled(page);
  const focused = page.locator(":focus");
  await page.keyboard.press("Tab");
  assert.equal(await focused.innerText(), "Skip to content");
  await page.keyboard.press("Tab");
  assert.equal(await focused.innerText(), "Overview");
  // Tab along the navigation to "Alerts" and open it with Enter.
  for (let i = 0; i < 5; i++) await page.keyboard.press("Tab");
  assert.equal(await focused.innerText(), "Alerts");
  assert.notEqual(await page.evaluate("getComputedStyle(document.activeElement).outlineStyle"), "none", "focused links show a focus ring");
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: "Alerts and incidents" }).waitFor();
  // Focus moved to the new page's content, so a screen reader announces it.
  assert.equal(await focused.getAttribute("id"), "main");
});

test("overview shows the seeded traffic, formatted, with uPlot charts", async () => {
  await page.goto(`${keel.url}/ui/`);
  await settled(page);
  const requests = page.locator(".stat", { hasText: "Requests" }).locator(".stat-value");
  assert.equal(await requests.innerText(), String(SEEDED_CALLS));
  assert.match(await page.locator(".stat", { hasText: "Latency p50" }).locator(".stat-value").innerText(), /\d+ ms/);
  assert.match(await page.locator(".stat", { hasText: "Cost" }).locator(".stat-value").innerText(), /^\$/);
  assert.ok((await page.locator(".chart canvas").count()) >= 5);
  // The charts count the same calls as the totals: the server's time series, not a sample of traces.
  assert.match(await page.locator(".charts > p").innerText(), new RegExp(`^${SEEDED_CALLS} calls in 48 intervals`));
  // A filter narrows totals and charts together.
  await page.getByLabel("Feature").fill("triage");
  await page.getByLabel("Feature").press("Tab");
  await page.locator(".charts > p", { hasText: /^20 calls/ }).waitFor();
  assert.equal(await requests.innerText(), "20");
  await page.getByLabel("Feature").fill("");
  await page.getByLabel("Feature").press("Tab");
  await page.locator(".charts > p", { hasText: new RegExp(`^${SEEDED_CALLS} calls`) }).waitFor();
  assert.deepEqual(problems, []);
});

test("traces: list, search, detail with attempts and redactions shown as such", async () => {
  await page.goto(`${keel.url}/ui/traces`);
  await settled(page);
  assert.equal(await page.locator("tbody tr").count(), SEEDED_CALLS);
  await page.getByLabel("Search loaded traces").fill("flaky");
  const flaky = await page.locator("tbody tr").count();
  assert.ok(flaky > 0 && flaky < SEEDED_CALLS, `search narrowed to ${flaky}`);
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
  assert.equal(await page.getByRole("table", { name: "Eval runs, newest first" }).locator("tbody tr").count(), 3);
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

test("trace detail: the agent's spans as a tree and a timeline, gateway calls under the span that made them", async () => {
  const { json } = await keel.admin("GET", `/api/v1/otel/traces/${AGENT.traceId}`);
  const call = json.gateway_calls.find((c: { parent_span_id: string }) => c.parent_span_id === AGENT.spans.answer);
  assert.ok(call, "the seed made a call inside agent.answer");
  await page.goto(`${keel.url}/ui/traces/${encodeURIComponent(call.id)}`);
  await settled(page);
  const table = page.getByRole("table", { name: "Spans of the trace as a tree, with their timing" });
  await table.waitFor();
  const rows = table.locator("tbody tr");
  assert.equal(await rows.count(), 6, "4 application spans and 2 gateway calls");
  // Depth-first, siblings by start time: run → plan → (call) → tool → answer → (call).
  const depths = await rows.evaluateAll((trs) => trs.map((tr) => `${tr.getAttribute("data-depth")}:${tr.querySelector("td")?.textContent?.replace(/^└\s*|level \d+: /g, "").trim()}`));
  assert.deepEqual(depths.map((d) => d.replace(/ (this call|error)$/, "")), [
    "0:agent.run", "1:agent.plan", "2:chat sim", "1:tool.search_orders", "1:agent.answer", "2:chat sim",
  ]);
  assert.equal(await rows.nth(5).getAttribute("aria-current"), "true", "the call on screen is marked");
  // The other gateway call links to its own trace.
  await rows.nth(2).getByRole("link").click();
  await page.getByRole("heading", { level: 1, name: /^Trace / }).waitFor();
  assert.ok(page.url().endsWith(encodeURIComponent(json.gateway_calls.find((c: { parent_span_id: string }) => c.parent_span_id === AGENT.spans.plan).id)));
  // Timeline bars are laid out on one axis: the root spans the whole width.
  await settled(page);
  const root = await page.locator(".waterfall tbody tr").first().locator(".bar").getAttribute("style");
  assert.match(root ?? "", /left: 0%; width: 100%/);
  assert.deepEqual(problems, []);
});

test("evals: the calibration report shows the judge against the experts and the experts against each other", async () => {
  await page.goto(`${keel.url}/ui/evals`);
  await page.getByRole("link", { name: "Judge calibration report" }).click();
  await page.getByRole("heading", { level: 1, name: "Judge calibration" }).waitFor();
  await settled(page);
  const { json } = await keel.admin("GET", "/api/v1/evals/calibrations");
  const cal = json.data[0];
  const row = page.getByRole("table", { name: "Calibrations, newest first" }).locator("tbody tr").first();
  assert.match(await row.innerText(), new RegExp(`helpfulness[\\s\\S]*${cal.calibrated ? "calibrated" : "not calibrated"}[\\s\\S]*${cal.kappa.toFixed(3)}`));
  await row.getByRole("button", { name: "helpfulness" }).click();
  const report = page.getByRole("region", { name: "Report: helpfulness" });
  await report.waitFor();
  assert.match(await report.innerText(), new RegExp(`quadratic weights\\s+${cal.agreement.kappa.quadratic.value.toFixed(3)}`));
  // The confusion matrix: judge ratings by rows, its diagonal is the agreement.
  const diag = await report.locator("table.confusion td.diag").allInnerTexts();
  const expected = cal.agreement.confusion.counts.map((r: number[], i: number) => String(r[i]));
  assert.deepEqual(diag, expected);
  assert.match(await report.innerText(), /2 raters \(ana, ben\) over 12 items/);
  assert.deepEqual(problems, []);
});

test("guardrails: mark a block as a false positive, find it on the review list, confirm it", async () => {
  await page.goto(`${keel.url}/ui/guard`);
  await settled(page);
  const mark = page.getByRole("button", { name: /^Mark .* as a false positive$/ }).first();
  const label = (await mark.getAttribute("aria-label"))!;
  const [, scanner, source] = /^Mark (\S+) on (\S+) as a false positive$/.exec(label)!;
  await mark.click();
  const dialog = page.getByRole("dialog", { name: "Mark as a false positive?" });
  await dialog.getByLabel(/Why is it wrong/).fill("e2e: a customer quoting our docs");
  await dialog.getByRole("button", { name: "Mark false positive" }).click();
  await page.getByRole("status").filter({ hasText: "on the review list" }).waitFor();
  const list = page.getByRole("table", { name: "False-positive review list, newest first" });
  await list.waitFor();
  const item = list.locator("tbody tr").first();
  assert.match(await item.innerText(), new RegExp(`${scanner} \\(${source}\\)[\\s\\S]*e2e: a customer quoting our docs[\\s\\S]*open`));
  await item.getByRole("button", { name: /^Confirm false positive/ }).click();
  await page.getByRole("status").filter({ hasText: "confirmed as a false positive" }).waitFor();
  await page.getByLabel("Status").selectOption("confirmed");
  await list.locator("tbody tr", { hasText: "e2e: a customer quoting our docs" }).waitFor();
  const api = await keel.admin("GET", "/api/v1/guard/reviews?status=confirmed");
  assert.equal(api.json.data.length, 1);
  assert.equal(api.json.data[0].marked_by, "dashboard");
  assert.equal(api.json.data[0].scanner, scanner);
  assert.deepEqual(problems, []);
});

test("alerts: a firing alert with its owner, acknowledged from the UI", async () => {
  await page.goto(`${keel.url}/ui/alerts`);
  await settled(page);
  const row = page.getByRole("table", { name: "Alert rules, firing first" }).getByRole("row", { name: /flaky-errors/ });
  assert.match(await row.innerText(), /flaky-errors[\s\S]*firing[\s\S]*oncall-llm@example\.com[\s\S]*error_rate/);
  await row.getByRole("button", { name: "Acknowledge flaky-errors" }).click();
  await row.getByText("dashboard").waitFor();
  const { json } = await keel.admin("GET", "/api/v1/alerts/flaky-errors");
  assert.equal(json.state.ackedBy, "dashboard");
  // The incident it opened lists the change timeline's candidates.
  await row.getByRole("link", { name: "open incident" }).click();
  await page.getByRole("heading", { level: 1, name: "Incident: flaky-errors" }).waitFor();
  await settled(page);
  assert.match(await page.locator("main").innerText(), /Owner oncall-llm@example\.com/);
  assert.deepEqual(problems, []);
});

test("prompts: a rollout in progress shows its canary comparison", async () => {
  await page.goto(`${keel.url}/ui/prompts/triage`);
  await settled(page);
  await page.getByRole("progressbar", { name: "Rollout at 50%" }).waitFor();
  const table = page.getByRole("table", { name: "Canary comparison of v1 (A) and v2 (B)" });
  await table.waitFor();
  assert.ok((await table.locator("tbody tr").count()) >= 1);
  const { json } = await keel.admin("GET", "/api/v1/prompts/triage/rollouts/production");
  const first = json.comparison.metrics[0];
  assert.match(await table.locator("tbody tr").first().innerText(), new RegExp(`${first.metric}[\\s\\S]*n ${first.a.n}[\\s\\S]*n ${first.b.n}`));
  assert.deepEqual(problems, []);
});

test("a viewer key signs in, reads every page and sees no write controls", async () => {
  const created = await keel.admin("POST", "/api/v1/keys", { name: "dash-viewer", role: "viewer" });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const ctx = await chrome.newContext({ viewport: { width: 1280, height: 800 } });
  const viewer = await ctx.newPage();
  const seen: string[] = [];
  viewer.on("console", (m) => void (m.type() === "error" && seen.push(m.text())));
  try {
    await signIn(viewer, keel.url, created.json.key);
    await viewer.getByText("Read-only").waitFor();
    assert.deepEqual(await a11yProblems(viewer), [], "the viewer's header is accessible too");
    for (const [path, heading] of PAGES) {
      await viewer.goto(`${keel.url}/ui${path}`);
      await viewer.getByRole("heading", { level: 1, name: heading }).waitFor();
      await settled(viewer);
      assert.equal(await viewer.locator(".error").count(), 0, `${path}: ${await viewer.locator(".error").allInnerTexts()}`);
    }
    await viewer.goto(`${keel.url}/ui/prompts/support`);
    await settled(viewer);
    assert.equal(await viewer.getByRole("button", { name: /^Roll back/ }).count(), 0);
    await viewer.goto(`${keel.url}/ui/guard`);
    await settled(viewer);
    assert.equal(await viewer.getByRole("button", { name: /false positive/ }).count(), 0);
    await viewer.goto(`${keel.url}/ui/alerts`);
    await settled(viewer);
    assert.equal(await viewer.getByRole("button", { name: /^Acknowledge/ }).count(), 0);
    assert.deepEqual(seen, []);
  } finally {
    await ctx.close();
  }
});

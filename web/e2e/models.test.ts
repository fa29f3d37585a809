/**
 * The model-layer pages in headless Chromium against a real Keel in front of the simulator's
 * vLLM page: engines (fresh and stale), the calculators with a good and a bad input, and the
 * doctor's maturity level on the overview. Needs `npm run build` (dist/ui) and Debian's chromium.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { simOptionsSchema } from "../../src/providers/sim/options.js";
import { type SimServer, startSimServer } from "../../src/providers/sim/server.js";
import { DEFAULT_UI_DIR } from "../../src/server/ui-static.js";
import { startTestKeel, type TestKeel } from "../../src/testing/keel-fixture.js";
import { until } from "../../src/testing/until.js";
import { a11yProblems } from "./a11y.js";
import { launch, settled, signIn, watch } from "./browser.js";

let sim: SimServer;
let keel: TestKeel;
let chrome: Browser;
let page: Page;
const problems: string[] = [];

before(async () => {
  assert.ok(existsSync(`${DEFAULT_UI_DIR}/index.html`), "the dashboard is not built: run `npm run build` first");
  sim = await startSimServer({ port: 0, host: "127.0.0.1", sim: simOptionsSchema.parse({ kind: "sim", models: ["sim-1"], speculative: { draft_tokens: 3, acceptance: 0.8 } }) });
  keel = await startTestKeel({
    providers: [
      { name: "vllm-a", kind: "openai", base_url: `${sim.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
      { name: "vllm-b", kind: "openai", base_url: `${sim.url}/v1`, api_key: "sk-test-not-a-real-key-0000" },
    ],
    routes: [{ name: "llama", strategy: "failover", targets: [
      { provider: "vllm-a", model: "sim-1", engine: { kind: "vllm", metrics_url: `${sim.url}/metrics`, interval_ms: 1000 } },
      { provider: "vllm-b", model: "sim-1", engine: { kind: "vllm", metrics_url: "http://127.0.0.1:9/metrics", interval_ms: 1000, timeout_ms: 200 } },
    ] }],
  });
  type T = { id: string; engine: { last_ok_at: string | null; spec_decode: { draft_length: number | null } } };
  const engineA = async (): Promise<T["engine"]> => ((await keel.admin("GET", "/api/v1/targets")).json.data as T[]).find((t) => t.id === "vllm-a/sim-1")!.engine;
  await until(async () => (await engineA()).last_ok_at !== null, "first scrape", 5000);
  for (let i = 0; i < 4; i++) {
    const r = await fetch(`${keel.url}/v1/chat/completions`, {
      method: "POST", headers: { authorization: `Bearer ${keel.key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "llama", messages: [{ role: "user", content: `a question about rye bread ${i}` }], max_tokens: 120 }),
    });
    assert.equal(r.status, 200, await r.text());
  }
  await until(async () => (await engineA()).spec_decode.draft_length !== null, "drafts scraped", 8000);
  chrome = await launch();
  page = await (await chrome.newContext({ viewport: { width: 1400, height: 1000 } })).newPage();
  watch(page, problems);
  await signIn(page, keel.url, keel.adminToken);
});
after(async () => {
  await chrome?.close();
  await keel?.close();
  await sim?.close();
});

test("Models page: per target the engine kind, queue, KV usage, draft acceptance; the unreachable one is marked stale", async () => {
  await page.goto(`${keel.url}/ui/models`);
  await page.getByRole("heading", { level: 1, name: "Models and engines" }).waitFor();
  await settled(page);
  const row = (id: string) => page.getByRole("row").filter({ hasText: id });
  const a = (await row("vllm-a/sim-1").innerText()).split("\t").map((s) => s.trim());
  assert.equal(a[1], "vllm");
  assert.equal(a[2], "fresh");
  assert.match(a[3], /^\d+ \/ \d+$/);
  assert.match(a[4], /^\d+(\.\d)?%$/, "KV usage");
  // 3-token drafts at α = 0.8: (1 − 0.8⁴) / 0.2 = 2.95 tokens per pass.
  assert.match(a[7], /^\d+(\.\d)?% · 2\.\d\d tok\/pass$/);
  const b = await row("vllm-b/sim-1").innerText();
  assert.match(b, /stale/);
  assert.match(await page.locator(".badge.bad").first().innerText(), /1 of 2 engines stale/);
  assert.deepEqual(problems.filter((p) => !p.includes("/metrics")), []);
  assert.deepEqual(await a11yProblems(page), []);
  await page.screenshot({ path: join(tmpdir(), "keel-e2e-models.png"), fullPage: true });
});

test("Calculators page: results from the API, a bad input answered with its name and range, α measured on an engine", async () => {
  problems.length = 0;
  await page.goto(`${keel.url}/ui/calc`);
  await page.getByRole("heading", { level: 1, name: "Calculators" }).waitFor();
  await settled(page);
  const mem = page.getByRole("form", { name: "GPU memory" });
  await mem.getByRole("button", { name: "Calculate" }).click();
  await page.getByText("KV cache per token").waitFor();
  assert.match(await page.locator("section.calc").first().innerText(), /KV cache per token\s+128\.0 KiB/);
  assert.match(await page.locator("section.calc").first().innerText(), /Hidden-size formula overstates by\s+4\.00×/);
  const sd = page.getByRole("form", { name: "Speculative decoding" });
  await sd.getByLabel("Acceptance α").fill("1.5");
  await sd.getByRole("button", { name: "Calculate" }).click();
  const err = page.getByRole("alert");
  await err.waitFor();
  assert.match(await err.innerText(), /alpha must be a number in \[0, 1\], got "1\.5"/);
  await sd.getByLabel("Or measured on").selectOption("vllm-a/sim-1");
  await sd.getByRole("button", { name: "Calculate" }).click();
  await page.getByText("Measured on", { exact: true }).waitFor();
  const text = await page.locator("section.calc").nth(2).innerText();
  assert.match(text, /vllm-a\/sim-1: α 0\.\d{3}, k 3/);
  assert.equal(await page.getByRole("alert").count(), 0, "the error went with the good answer");
  const dec = page.getByRole("form", { name: "Decode and prefill speed" });
  await dec.getByLabel("Traffic").selectOption("traces");
  await dec.getByLabel("Compare weights").selectOption("fp8");
  await dec.getByRole("button", { name: "Calculate" }).click();
  await page.getByText("GPU time for that traffic").waitFor();
  assert.match(await page.locator("section.calc").nth(1).innerText(), /Traffic \(last 7 d\)\s+4 calls; prompt p50 \d+/);
  assert.match(await page.locator("section.calc").nth(1).innerText(), /With the change\s+saves [\d.]+ GPU-(seconds|hours) \(\d+%\)/);
  assert.deepEqual(problems.filter((p) => !p.includes("400")), []);
  assert.deepEqual(await a11yProblems(page), []);
  await page.screenshot({ path: join(tmpdir(), "keel-e2e-calc.png"), fullPage: true });
});

test("Overview: the doctor's maturity level with next steps and evidence", async () => {
  await page.goto(`${keel.url}/ui/`);
  await page.getByRole("heading", { level: 2, name: "Maturity" }).waitFor();
  await settled(page);
  const report = (await keel.admin("GET", "/api/v1/doctor")).json;
  const section = page.locator('section[aria-labelledby="maturity-h"]');
  assert.match(await section.innerText(), new RegExp(`Level ${report.level} \\(`));
  assert.equal(await section.getByRole("listitem").count(), report.nextSteps.length);
  assert.match(await section.getByRole("listitem").first().innerText(), new RegExp(report.nextSteps[0].step.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  await section.getByText("Evidence for every check").click();
  assert.match(await section.getByRole("row").filter({ hasText: "calls are traced" }).innerText(), /pass\s+4 calls in 7 d/);
  await page.screenshot({ path: join(tmpdir(), "keel-e2e-overview.png"), fullPage: true });
});

// Screenshots of the dashboard's main pages into docs/img/, against a Keel seeded with simulator
// traffic (the same seed as the browser tests). Run after `npm run build`:
//   node --import tsx scripts/screenshots.ts
import { mkdirSync } from "node:fs";
import { startTestKeel } from "../src/testing/keel-fixture.js";
import { launch, settled, signIn } from "../web/e2e/browser.js";
import { AGENT, SEEDED_CONFIG, seedKeel } from "../web/e2e/seed.js";
import { QUEUE, seedAnnotation } from "../web/e2e/annotate-seed.js";

const SHOTS: [string, string][] = [
  ["overview", "/"], ["traces", "/traces"], ["prompts", "/prompts/triage"], ["keys", "/keys"],
  ["guard", "/guard"], ["evals", "/evals"], ["calibration", "/evals/calibration"], ["alerts", "/alerts"],
];

const keel = await startTestKeel(SEEDED_CONFIG);
const browser = await launch();
try {
  await seedKeel(keel);
  // A review queue whose newest item was answered from a vector store: the work view with its retrieved context.
  await seedAnnotation(keel);
  SHOTS.push(["annotate", `/annotate/${QUEUE.name}/ann`]);
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await signIn(page, keel.url, keel.adminToken);
  mkdirSync("docs/img", { recursive: true });
  // The trace detail of the agent run's last model call: its spans as a tree and timeline.
  const agent = await keel.admin("GET", `/api/v1/otel/traces/${AGENT.traceId}`);
  const call = agent.json.gateway_calls.find((c: { parent_span_id: string }) => c.parent_span_id === AGENT.spans.answer);
  SHOTS.push(["trace-detail", `/traces/${call.id}`]);
  // One block marked as a false positive, so the review list has an item.
  const blocked = (await keel.admin("GET", "/api/v1/traces?limit=100")).json.data
    .find((t: { guard: { triggered: boolean; action: string }[] | null }) => t.guard?.some((g) => g.triggered && g.action === "block"));
  const verdict = blocked?.guard.find((g: { triggered: boolean; action: string }) => g.triggered && g.action === "block");
  if (verdict) await keel.admin("POST", "/api/v1/guard/false-positives", { trace_id: blocked.id, scanner: verdict.scanner, source: verdict.source, note: "A customer quoting our own docs" });
  for (const [name, path] of SHOTS) {
    await page.goto(`${keel.url}/ui${path}`);
    await settled(page);
    // The calibration page shows its first report open; the trace detail scrolls to the spans.
    if (name === "calibration") await page.locator("table button.link").first().click();
    if (name === "trace-detail") await page.getByRole("heading", { name: "Agent spans" }).scrollIntoViewIfNeeded();
    if (name === "guard") await page.getByRole("heading", { name: "Review list" }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `docs/img/dashboard-${name}.png`, fullPage: false });
    console.log(`docs/img/dashboard-${name}.png`);
  }
} finally {
  await browser.close();
  await keel.close();
}

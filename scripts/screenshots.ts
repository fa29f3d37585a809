// Screenshots of the dashboard's main pages into docs/img/, against a Keel seeded with simulator
// traffic (the same seed as the browser tests). Run after `npm run build`:
//   node --import tsx scripts/screenshots.ts
import { mkdirSync } from "node:fs";
import { startTestKeel } from "../src/testing/keel-fixture.js";
import { launch, settled, signIn } from "../web/e2e/browser.js";
import { SEEDED_CONFIG, seedKeel } from "../web/e2e/seed.js";

const SHOTS: [string, string][] = [
  ["overview", "/"], ["traces", "/traces"], ["prompts", "/prompts/support"], ["keys", "/keys"],
  ["guard", "/guard"], ["evals", "/evals"], ["alerts", "/alerts"],
];

const keel = await startTestKeel(SEEDED_CONFIG);
const browser = await launch();
try {
  await seedKeel(keel);
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  await signIn(page, keel.url, keel.adminToken);
  mkdirSync("docs/img", { recursive: true });
  const traces = await keel.admin("GET", "/api/v1/traces?limit=1");
  SHOTS.push(["trace-detail", `/traces/${traces.json.data[0].id}`]);
  for (const [name, path] of SHOTS) {
    await page.goto(`${keel.url}/ui${path}`);
    await settled(page);
    await page.screenshot({ path: `docs/img/dashboard-${name}.png`, fullPage: false });
    console.log(`docs/img/dashboard-${name}.png`);
  }
} finally {
  await browser.close();
  await keel.close();
}

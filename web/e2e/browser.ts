import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH overrides. Never a downloaded browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Headless Chromium with nothing that phones home. playwright-core gives every launch a fresh
 * temporary profile (it refuses an explicit --user-data-dir on `launch`) and deletes it on close.
 */
export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
}

/** Signs in through the login form; the token then sits in the tab's sessionStorage. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/ui/`);
  await page.getByLabel("Admin token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Main" }).waitFor();
  await settled(page);
}

/** Waits until no "Loading…" placeholder is left on the page. */
export async function settled(page: Page): Promise<void> {
  await page.getByText("Loading…").first().waitFor({ state: "detached", timeout: 15_000 });
}

/**
 * Collects into `problems` what a page must never show a person: console errors and uncaught page
 * errors, and — given the Keel origin — any request that leaves it (no CDN, no fonts).
 */
export function watch(page: Page, problems: string[], origin?: string): void {
  page.on("console", (m) => void (m.type() === "error" && problems.push(`console: ${m.text()}`)));
  page.on("pageerror", (e) => void problems.push(`page error: ${e.message}`));
  if (origin !== undefined) page.on("request", (r) => void (!r.url().startsWith(origin) && !r.url().startsWith("data:") && problems.push(`external request: ${r.url()}`)));
}

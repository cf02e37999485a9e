// Headless Debian Chromium for the browser tests (playwright-core): where it is, whether it is there, where
// the tests save screenshots and measurements, and one launch with the flags every test needs.
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed; else warns once for `what` (the caller skips its tests). */
export function chromiumFor(what: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) console.warn(`skipping ${what}: ${CHROMIUM} is missing (apt-get install -y chromium)`);
  return present;
}

/** Where the browser tests save screenshots and measurements (README "The search page"), git-ignored. */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-output/screenshots/", import.meta.url));

/** A headless Chromium on the fresh `profile` folder, without GPU, sandbox or background traffic. */
export async function launchChromium(profile: string, extraArgs: string[] = []): Promise<BrowserContext> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      ...extraArgs,
    ],
  });
}

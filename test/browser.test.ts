// Browser test of the web page: headless Debian Chromium (playwright-core) on the `npm start` demo types a toy
// query, sees the right video first, opens its captions. Skips when /usr/bin/chromium is absent.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoServer, startDemoServer } from "./demo-server.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium)
  console.warn(`skipping the browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`);

let demo: DemoServer;
let browser: BrowserContext;
let profile: string;

describe.skipIf(!hasChromium)("web page in Chromium", () => {
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), "clip-chromium-"));
    // Started one after the other, so that a failed launch cannot leave the other running.
    demo = await startDemoServer();
    // A fresh profile (persistent context is playwright's way to give Chromium --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      viewport: { width: 1000, height: 800 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("finds the toy video of a typed query and shows its captions", async () => {
    const { query, videoId } = demo.queries[0];
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(demo.url);
    await page.fill("#q", query);
    await page.press("#q", "Enter");
    const first = page.locator('.result[data-rank="1"]');
    await first.waitFor({ timeout: 30_000 });
    expect(await first.getAttribute("data-video-id")).toBe(videoId);
    expect(await page.locator("#status").textContent()).toMatch(/results, model toy-clip/);
    // The thumbnail is served by the worker and decodes as an image.
    // (The callback runs in the page: its parameter is an HTMLImageElement, typed structurally here.)
    const thumbnailWidth = await first
      .locator("img")
      .evaluate(async (img: { decode(): Promise<void>; naturalWidth: number }) => {
        await img.decode();
        return img.naturalWidth;
      });
    expect(thumbnailWidth).toBeGreaterThan(0);
    await first.locator("button.show-captions").click();
    const captions = first.locator(".captions li");
    await captions.first().waitFor({ timeout: 30_000 });
    const own = demo.queries.filter((q) => q.videoId === videoId).map((q) => q.query);
    const firstCaption = (await captions.first().textContent()) ?? "";
    expect(own.some((text) => firstCaption.startsWith(`${text} (`))).toBe(true);
    await page.screenshot({ path: join(tmpdir(), "clip-video-retrieval-page.png"), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it("runs the query in the address bar, so a search can be shared", async () => {
    const { query, videoId } = demo.queries[1];
    const page = await browser.newPage();
    await page.goto(`${demo.url}/?q=${encodeURIComponent(query)}`);
    const first = page.locator('.result[data-rank="1"]');
    await first.waitFor({ timeout: 30_000 });
    expect(await first.getAttribute("data-video-id")).toBe(videoId);
    expect(await page.inputValue("#q")).toBe(query);
    await page.close();
  });
});

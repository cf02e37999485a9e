// The search page in headless Debian Chromium (playwright-core) on the `npm start` demo served by wrangler
// dev: one server and one browser for every case. Skips with a message when /usr/bin/chromium is absent.
// Screenshots go to test-output/screenshots/ (git-ignored): landing.png, results.png, playing.png.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOY_COLOURS } from "../../indexer/demo/toy-concepts.ts";
import { type DemoServer, startDemoServer } from "../demo-server.ts";
import { chromiumFor, launchChromium, SCREENSHOT_DIR } from "./chromium.ts";

const hasChromium = chromiumFor("the page's browser tests");

interface ToyQuery {
  query: string;
  videoId: string;
  startSec?: number;
  endSec?: number;
}

// The page's globals as the checks below use them inside Chromium (this Node project has no DOM lib).
interface PageElement {
  id: string;
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
}
interface PageVideo extends PageElement {
  paused: boolean;
  currentTime: number;
  duration: number;
}
interface PageImage {
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: "2d"): {
    drawImage(image: PageImage, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  } | null;
}
declare const performance: { getEntriesByName(name: string): { startTime: number }[] };
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number; clientWidth: number };
  getElementById(id: string): PageElement | null;
  querySelector<T = PageElement>(selector: string): T | null;
  querySelectorAll(selector: string): ArrayLike<PageElement>;
  createElement(tag: "canvas"): PageCanvas;
};

/** Measurements written to test-output/screenshots/measurements.json for the README. */
const measured: Record<string, number> = {};

/** Navigates to the results of `q` and returns the ms from navigation start to the page's first list. */
async function timeToFirstResult(page: Page, q: string): Promise<number> {
  await page.goto(`${demo.url}/?q=${encodeURIComponent(q)}`);
  await stateIs(page, "results");
  return Math.round(
    await page.evaluate(() => performance.getEntriesByName("first-results")[0]?.startTime ?? -1),
  );
}

let demo: DemoServer;
let browser: BrowserContext;
let profile: string;
let queries: ToyQuery[];

/** A page that records uncaught errors and failed requests; `check()` asserts there were none. */
async function openPage(width = 1100, height = 800) {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height });
  const problems: string[] = [];
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400 && !response.url().includes("/api/"))
      problems.push(`${response.status()} ${response.url()}`);
  });
  return { page, check: () => expect(problems).toEqual([]) };
}

/** The ranked video ids on screen. */
const shownIds = (page: Page) =>
  page
    .locator("#results > li.result")
    .evaluateAll((items) => items.map((li) => li.getAttribute("data-video-id")));

/** Waits until the status says `state` (data-state of <main>). */
const stateIs = (page: Page, state: string) =>
  page.waitForFunction((wanted) => document.getElementById("main")?.dataset.state === wanted, state, {
    timeout: 30_000,
  });

/** The toy colour whose RGB is nearest to `rgb` (0..255). */
function nearestColour(rgb: number[]): string {
  let best = "";
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const colour of TOY_COLOURS) {
    const distance = colour.rgb.reduce((d, v, c) => d + (v * 255 - rgb[c]) ** 2, 0);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = colour.name;
    }
  }
  return best;
}

describe.skipIf(!hasChromium)("search page in Chromium", () => {
  beforeAll(async () => {
    profile = mkdtempSync(join(tmpdir(), "clip-chromium-"));
    // Started one after the other, so that a failed launch cannot leave the other running.
    demo = await startDemoServer();
    // One query per video (each video has two captions), whole-video queries first.
    const all = demo.queries as ToyQuery[];
    const byVideo = new Map<string, ToyQuery>();
    for (const q of [...all.filter((x) => x.startSec === undefined), ...all])
      if (!byVideo.has(q.videoId)) byVideo.set(q.videoId, q);
    queries = [...byVideo.values(), ...all.filter((x) => x.startSec !== undefined)];
    browser = await launchChromium(profile, [
      "--disable-quic",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ]);
  }, 300_000);

  afterAll(async () => {
    if (Object.keys(measured).length > 0) {
      writeFileSync(join(SCREENSHOT_DIR, "measurements.json"), `${JSON.stringify(measured, null, 2)}\n`);
      console.info(`page measurements: ${JSON.stringify(measured)}`);
    }
    await browser?.close();
    await demo?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it("lands on what is indexed (count, model), example queries from the index, and a served icon", async () => {
    const { page, check } = await openPage();
    await page.goto(demo.url);
    await page.locator("#examples li button").first().waitFor({ timeout: 30_000 });
    expect(await page.locator("#summary").textContent()).toMatch(
      /^6 videos \(\d+ vectors, \d+ captions\) searched with toy-clip \(64 dimensions\)\.$/,
    );
    const examples = await page.locator("#examples li button").allTextContents();
    expect(examples.length).toBeGreaterThan(0);
    const captions = new Set(queries.map((q) => q.query));
    for (const text of examples) expect(captions.has(text), text).toBe(true);
    expect(await page.evaluate(() => document.getElementById("main")?.dataset.state)).toBe("empty");
    // The input has focus and a label; the icon is served.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("q");
    expect(await page.getByLabel("Describe a scene").count()).toBe(1);
    const icon = await page.request.get(`${demo.url}/favicon.ico`);
    expect([icon.status(), icon.headers()["content-type"]]).toEqual([200, "image/x-icon"]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "landing.png"), fullPage: true });
    // The page's weight: bytes of HTML (CSS inline) and JS as served (before any compression).
    for (const path of ["/", "/page.js", "/favicon.ico"]) {
      const response = await page.request.get(`${demo.url}${path}`);
      measured[`bytes ${path}`] = (await response.body()).length;
    }
    // The server's first search (encoder loaded cold in the worker), then one with the encoder warm.
    measured["time to first result, cold ms"] = await timeToFirstResult(page, queries[4].query);
    measured["time to first result, warm ms"] = await timeToFirstResult(page, queries[5].query);
    check();
    await page.close();
  });

  it("is usable with the keyboard alone: search, a list of results, captions and similar videos, focus kept", async () => {
    const { query, videoId } = queries[0];
    const { page, check } = await openPage();
    await page.goto(demo.url);
    await page.keyboard.type(query);
    await page.keyboard.press("Enter");
    await stateIs(page, "results");
    expect((await shownIds(page))[0]).toBe(videoId);
    expect(await page.locator("ol#results > li").count()).toBe(6);
    expect(page.url()).toBe(
      `${demo.url}/?q=${new URLSearchParams({ q: query }).get("q")?.replaceAll(" ", "+")}`,
    );
    // Tab from the box: Search, then the first result's thumbnail (when playable), Captions, Similar.
    const first = page.locator('#results > li[data-rank="1"]');
    const captionsButton = first.locator("button.show-captions");
    for (let i = 0; i < 6 && !(await captionsButton.evaluate((b) => b === document.activeElement)); i++)
      await page.keyboard.press("Tab");
    expect(await captionsButton.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await first.locator(".panel.captions li").first().waitFor({ timeout: 30_000 });
    expect(await captionsButton.getAttribute("aria-expanded")).toBe("true");
    expect(await captionsButton.evaluate((b) => b === document.activeElement)).toBe(true);
    const own = queries.filter((q) => q.videoId === videoId).map((q) => q.query);
    const firstCaption = (await first.locator(".panel.captions li").first().textContent()) ?? "";
    expect(own.some((text) => firstCaption.startsWith(`${text} (`))).toBe(true);
    await page.keyboard.press("Tab");
    const similarButton = first.locator("button.show-similar");
    expect(await similarButton.evaluate((b) => b === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await first.locator(".similar-list li").first().waitFor({ timeout: 30_000 });
    const similar = await first
      .locator(".similar-list li")
      .evaluateAll((items) => items.map((li) => li.getAttribute("data-video-id")));
    expect(similar).toHaveLength(4);
    expect(similar).not.toContain(videoId);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "results.png"), fullPage: true });
    // Enter again closes the panel, focus still on its button.
    await page.keyboard.press("Enter");
    expect(await first.locator(".panel.similar").isHidden()).toBe(true);
    expect(await similarButton.evaluate((b) => b === document.activeElement)).toBe(true);
    check();
    await page.close();
  });

  it("shows for a scene-change video the frame of the matched moment, not the video's", async () => {
    const scene = queries.find((q) => q.startSec !== undefined);
    if (!scene) throw new Error("the demo has no scene-change query");
    const { page, check } = await openPage();
    await page.goto(`${demo.url}/?q=${encodeURIComponent(scene.query)}`);
    await stateIs(page, "results");
    const hit = page.locator(`#results > li[data-video-id="${scene.videoId}"]`);
    const img = hit.locator(".media img");
    const src = (await img.getAttribute("src")) ?? "";
    expect(src).toMatch(/\/api\/thumbnails\/.+-\d+\.jpg$/);
    // Mean colour of the object (pixels far from the grey background: saturation above 0.25), in the page.
    const { rgb, count } = await img.evaluate(async (image: PageImage) => {
      await image.decode();
      const canvas = document.createElement("canvas");
      canvas.width = image.naturalWidth;
      canvas.height = image.naturalHeight;
      const context = canvas.getContext("2d");
      if (!context) throw new Error("no 2d context");
      context.drawImage(image, 0, 0);
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      const sum = [0, 0, 0];
      let pixels = 0;
      for (let i = 0; i < data.length; i += 4) {
        const max = Math.max(data[i], data[i + 1], data[i + 2]);
        const min = Math.min(data[i], data[i + 1], data[i + 2]);
        if (max === 0 || (max - min) / max < 0.25) continue;
        for (let c = 0; c < 3; c++) sum[c] += data[i + c];
        pixels++;
      }
      return { rgb: sum.map((total) => total / Math.max(1, pixels)), count: pixels };
    });
    expect(count).toBeGreaterThan(50);
    const wanted = TOY_COLOURS.find((colour) => scene.query.includes(colour.name))?.name;
    expect(nearestColour(rgb)).toBe(wanted);
    check();
    await page.close();
  });

  it("pages with More results (offset), appends ranks 5-6 and moves focus to the first new one", async () => {
    const { query } = queries[2];
    const { page, check } = await openPage();
    await page.goto(`${demo.url}/?q=${encodeURIComponent(query)}&k=4`);
    await stateIs(page, "results");
    expect(await page.locator("ol#results > li").count()).toBe(4);
    await page.locator("#more").focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.querySelectorAll("ol#results > li").length === 6, null, {
      timeout: 30_000,
    });
    expect(
      await page
        .locator("ol#results > li")
        .evaluateAll((items) => items.map((li) => li.getAttribute("data-rank"))),
    ).toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(new Set(await shownIds(page)).size).toBe(6);
    expect(await page.evaluate(() => document.activeElement?.closest("li")?.getAttribute("data-rank"))).toBe(
      "5",
    );
    expect(await page.locator("#more").isHidden()).toBe(true);
    check();
    await page.close();
  });

  it("lets the latest query win: a slow first answer never replaces a newer one", async () => {
    const [slow, fast] = [queries[0], queries[1]];
    const { page, check } = await openPage();
    let releaseSlow: () => void = () => {};
    const slowHeld = new Promise<void>((resolve) => {
      releaseSlow = resolve;
    });
    let slowAsked = false;
    await page.route("**/api/search?**", async (route) => {
      if (new URL(route.request().url()).searchParams.get("q") === slow.query) {
        slowAsked = true;
        await slowHeld;
      }
      // The page may have aborted the request meanwhile; then there is nothing left to continue.
      await route.continue().catch(() => undefined);
    });
    await page.goto(demo.url);
    await page.fill("#q", slow.query);
    await page.press("#q", "Enter");
    await page.waitForFunction(() => document.getElementById("main")?.dataset.state === "loading");
    expect(slowAsked).toBe(true);
    await page.fill("#q", fast.query);
    await page.press("#q", "Enter");
    await stateIs(page, "results");
    releaseSlow();
    // Give the slow answer time to arrive (it would, were it not aborted) and be ignored.
    await page.waitForTimeout(1500);
    expect((await shownIds(page))[0]).toBe(fast.videoId);
    expect(await page.inputValue("#q")).toBe(fast.query);
    expect(await page.locator("#status").textContent()).toContain(fast.query);
    check();
    await page.close();
  });

  it("shows errors as errors (even a non-JSON 502), and an empty query clears old results", async () => {
    const { page, check } = await openPage();
    await page.route("**/api/search?**", (route) =>
      route.fulfill({ status: 502, contentType: "text/html", body: "<html><body>Bad gateway</body></html>" }),
    );
    await page.goto(`${demo.url}/?q=${encodeURIComponent(queries[0].query)}`);
    await stateIs(page, "error");
    const alert = page.getByRole("alert");
    expect(await alert.isVisible()).toBe(true);
    expect(await alert.textContent()).toBe(
      "Search failed: the server answered 502 Bad Gateway without an explanation; try again later",
    );
    await page.unroute("**/api/search?**");
    await page.route("**/api/search?**", (route) =>
      route.fulfill({
        status: 429,
        contentType: "application/json",
        body: JSON.stringify({ error: { code: "rate_limited", message: "too many searches; wait 10 s" } }),
      }),
    );
    await page.fill("#q", "anything");
    await page.press("#q", "Enter");
    await page.waitForFunction(() =>
      document.getElementById("error")?.textContent?.includes("too many searches"),
    );
    await page.unroute("**/api/search?**");
    await page.fill("#q", queries[1].query);
    await page.press("#q", "Enter");
    await stateIs(page, "results");
    expect(await page.getByRole("alert").isHidden()).toBe(true);
    // An empty query: results gone, the landing back, the address without q.
    await page.fill("#q", "");
    await page.press("#q", "Enter");
    await stateIs(page, "empty");
    expect(await page.locator("ol#results > li").count()).toBe(0);
    expect(await page.locator("#landing").isVisible()).toBe(true);
    expect(new URL(page.url()).search).toBe("");
    expect(await page.locator("#go").isDisabled()).toBe(true);
    check();
    await page.close();
  });

  it("keeps queries in the history: Back shows the previous search again", async () => {
    const [a, b] = [queries[0], queries[3]];
    const { page, check } = await openPage();
    await page.goto(`${demo.url}/?q=${encodeURIComponent(a.query)}`);
    await stateIs(page, "results");
    await page.fill("#q", b.query);
    await page.press("#q", "Enter");
    await page.waitForFunction(
      (id) => document.querySelector("#results > li")?.getAttribute("data-video-id") === id,
      b.videoId,
    );
    await page.goBack();
    await page.waitForFunction(
      (id) => document.querySelector("#results > li")?.getAttribute("data-video-id") === id,
      a.videoId,
    );
    expect(await page.inputValue("#q")).toBe(a.query);
    check();
    await page.close();
  });

  it("fits 375 px without horizontal scrolling, results and panels open", async () => {
    const { page, check } = await openPage(375, 740);
    await page.goto(`${demo.url}/?q=${encodeURIComponent(queries[0].query)}`);
    await stateIs(page, "results");
    await page.locator('#results > li[data-rank="1"] button.show-captions').click();
    await page.locator('#results > li[data-rank="1"] button.show-similar').click();
    await page.locator('#results > li[data-rank="1"] .similar-list li').first().waitFor({ timeout: 30_000 });
    const play = page.locator('#results > li[data-rank="1"] button.play');
    if ((await play.count()) > 0) {
      await play.click();
      await page.locator('#results > li[data-rank="1"] video').waitFor();
    }
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(clientWidth).toBe(375);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "results-375px.png"), fullPage: true });
    check();
    await page.close();
  });

  it("plays a hit from its moment's start, marks the moment and stops at its end", async () => {
    const scene = queries.find((q) => q.startSec !== undefined) ?? queries[0];
    const { page, check } = await openPage();
    await page.goto(`${demo.url}/?q=${encodeURIComponent(scene.query)}`);
    await stateIs(page, "results");
    const hit = page.locator('#results > li[data-rank="1"]');
    // The demo serves its toy videos (deployed media): a hit without a play button is a failure here.
    expect(await hit.locator(".no-media").count()).toBe(0);
    const moment = await page.evaluate(async (q) => {
      const body = (await (await fetch(`/api/search?q=${encodeURIComponent(q)}&k=1`)).json()) as {
        results: { moment: { startSec: number; endSec: number } }[];
      };
      return body.results[0].moment;
    }, scene.query);
    await hit.locator("button.play").focus();
    await page.keyboard.press("Enter");
    const video = hit.locator("video");
    await video.waitFor();
    await page.waitForFunction(
      () => {
        const v = document.querySelector<PageVideo>("video");
        return v !== null && !v.paused && v.currentTime > 0;
      },
      null,
      { timeout: 30_000 },
    );
    const started = await video.evaluate((v: PageVideo) => v.currentTime);
    expect(started).toBeGreaterThanOrEqual(moment.startSec - 0.05);
    expect(started).toBeLessThan(moment.endSec);
    const mark = await hit
      .locator(".moment-mark")
      .evaluate((m: { style: { left: string; width: string } }) => [m.style.left, m.style.width]);
    const duration = await video.evaluate((v: PageVideo) => v.duration);
    expect(Number.parseFloat(mark[0])).toBeCloseTo((100 * moment.startSec) / duration, 1);
    expect(Number.parseFloat(mark[1])).toBeCloseTo((100 * (moment.endSec - moment.startSec)) / duration, 1);
    // The screenshot a little into the moment, so that the playhead has moved inside the marked span.
    await page.waitForFunction(
      (t) => (document.querySelector<PageVideo>("video")?.currentTime ?? 0) >= t,
      moment.startSec + 0.3,
      { timeout: 30_000 },
    );
    await page.screenshot({ path: join(SCREENSHOT_DIR, "playing.png"), fullPage: true });
    await page.waitForFunction(
      () => document.querySelector<PageVideo>("video")?.dataset.stoppedAtEnd === "true",
      null,
      {
        timeout: 30_000,
      },
    );
    const stopped = await video.evaluate((v: PageVideo) => [v.paused, v.currentTime] as const);
    expect(stopped[0]).toBe(true);
    expect(stopped[1]).toBeGreaterThanOrEqual(moment.endSec);
    expect(stopped[1]).toBeLessThan(moment.endSec + 0.3);
    // Loop the moment (keyboard: Space ticks the box, Enter replays): it goes back to its start and plays on.
    await hit.locator("input.loop").focus();
    await page.keyboard.press("Space");
    await hit.locator("button.replay").focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction(
      () => Number(document.querySelector<PageVideo>("video")?.dataset.loops) >= 2,
      null,
      {
        timeout: 30_000,
      },
    );
    const looping = await video.evaluate((v: PageVideo) => [v.paused, v.currentTime] as const);
    expect(looping[0]).toBe(false);
    expect(looping[1]).toBeGreaterThanOrEqual(moment.startSec - 0.05);
    expect(looping[1]).toBeLessThan(moment.endSec + 0.3);
    // Close: the thumbnail is back and has the focus.
    await hit.locator("button.close-player").focus();
    await page.keyboard.press("Enter");
    expect(await hit.locator("video").count()).toBe(0);
    expect(await hit.locator("button.play").evaluate((b) => b === document.activeElement)).toBe(true);
    check();
    await page.close();
  });
});

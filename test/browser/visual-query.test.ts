// The visual query in headless Debian Chromium (playwright-core) on the `npm start` demo served by wrangler
// dev: the browser bundle's embeddings equal the indexer's (`embed image`, `embed video --sample uniform:N
// --aggregate mean`, the same functions called here) for the toy model and, with ../shared, for a real export
// and a real video; choosing an image or a clip on the page ranks its video first and describes it.
// The page cases run first, on a fresh browser profile, so that their first query really downloads the model
// and the ffmpeg core. Skips with a message when /usr/bin/chromium is absent. Times and cosines go to
// test-output/screenshots/visual.json.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSampling } from "../../indexer/decode/sampling.ts";
import { embedImageFile } from "../../indexer/embed/embed-images.ts";
import { embedVideoFile } from "../../indexer/embed/embed-video.ts";
import { loadImageEncoder } from "../../indexer/embed/onnx-runtime.ts";
import { prepareEdgeModel } from "../../indexer/prepare-edge/prepare-edge-model.ts";
import { cosine } from "../../shared/vectors.ts";
import { type DemoServer, startDemoServer } from "../demo-server.ts";
import { hasSharedData, sharedPath } from "../shared-data.ts";
import { chromiumFor, launchChromium, SCREENSHOT_DIR } from "./chromium.ts";

const hasChromium = chromiumFor("the visual-query browser tests");

/** The frames sampled from a clip in these tests (the page's default is uniform:8 too). */
const SAMPLING = "uniform:8";

// The page's globals as the checks below use them inside Chromium (this Node project has no DOM lib).
declare const document: {
  activeElement: { id: string } | null;
  documentElement: { scrollWidth: number; clientWidth: number };
  getElementById(
    id: string,
  ): { dataset: Record<string, string | undefined>; dispatchEvent(event: unknown): void } | null;
  dispatchEvent(event: unknown): void;
};
declare class DataTransfer {
  items: { add(file: File): void };
}
declare class File {
  constructor(parts: Uint8Array[], name: string, options: { type: string });
}
declare class DragEvent {
  constructor(type: string, init: { dataTransfer: DataTransfer; bubbles: boolean; cancelable: boolean });
}
declare class ClipboardEvent {
  constructor(type: string, init: { clipboardData: DataTransfer; bubbles: boolean; cancelable: boolean });
}
declare const performance: { getEntriesByName(name: string): { duration: number }[] };

let demo: DemoServer;
let browser: BrowserContext;
let profile: string;
let scratch: string;
const measured: Record<string, number | string> = {};

/** Frame `index` of `video` as a PNG, written by native ffmpeg. */
function framePng(video: string, index: number, out: string): string {
  execFileSync("ffmpeg", [
    "-v",
    "error",
    "-y",
    "-i",
    video,
    "-vf",
    `select=eq(n\\,${index})`,
    "-frames:v",
    "1",
    out,
  ]);
  return out;
}

interface BrowserEmbedding {
  image: number[];
  clip: number[];
  frames: number[];
}

/**
 * The bundle's embeddings of `png` and `clip` with the model file `onnx`, computed in the demo's page, as
 * cosines to the indexer's (`node`), with the clip's sampled frame indices.
 */
async function browserVsIndexer(
  page: Page,
  onnx: string,
  node: NodeEmbedding,
  png: string,
  clip: string,
): Promise<{ image: number; clip: number; frames: number[] }> {
  const args = {
    model: Array.from(readFileSync(onnx)),
    png: Array.from(readFileSync(png)),
    clip: Array.from(readFileSync(clip)),
    dimension: node.dimension,
    preprocess: node.preprocess,
    sampling: SAMPLING,
    bundle: "/browser/visual-query.js",
  };
  // Passed as a global, then run as text: vitest rewrites import() inside functions it compiles.
  await page.evaluate((a) => {
    (globalThis as { parityArgs?: unknown }).parityArgs = a;
  }, args);
  const web = (await page.evaluate(IN_PAGE_EMBED)) as BrowserEmbedding;
  return {
    image: cosine(Float32Array.from(web.image), node.image),
    clip: cosine(Float32Array.from(web.clip), node.clip),
    frames: web.frames,
  };
}

/** What embedInBrowser runs in the page (plain JavaScript). */
const IN_PAGE_EMBED = `(async () => {
  const a = globalThis.parityArgs;
  const visual = await import(a.bundle);
  const { encoder } = await visual.createVisionEncoder(new Uint8Array(a.model), a.dimension, a.preprocess, "test");
  const image = await visual.embedImage(encoder, a.preprocess, new Blob([new Uint8Array(a.png)], { type: "image/png" }));
  const file = new File([new Uint8Array(a.clip)], "clip.mp4", { type: "video/mp4" });
  const clip = await visual.embedClip(encoder, a.preprocess, file, { sampling: a.sampling });
  return { image: Array.from(image), clip: Array.from(clip.vector), frames: clip.frames.map((frame) => frame.index) };
})()`;

type NodeEmbedding = Awaited<ReturnType<typeof embedInNode>>;

/** The indexer's embeddings of the same files (what `embed image` and `embed video` print). */
async function embedInNode(modelDir: string, png: string, clip: string) {
  const { model, encoder } = await loadImageEncoder(modelDir);
  try {
    const image = await embedImageFile(png, model, encoder);
    const video = await embedVideoFile(clip, model, encoder, {
      sampling: parseSampling(SAMPLING),
      aggregations: [{ kind: "mean" }],
      id: "clip",
    });
    return {
      image,
      clip: video.aggregates[0].embeddings[0],
      frames: video.frames.map((frame) => frame.index),
      dimension: encoder.dimension,
      // As the page receives it (/api/model/vision's `preprocess`).
      preprocess: model.config.preprocess,
    };
  } finally {
    await encoder.release();
  }
}

async function openPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1100, height: 800 });
  page.on("pageerror", (error) => console.warn(`page error: ${error.message}`));
  await page.goto(demo.url);
  return page;
}

/** Chooses `file` on the page; returns the ms from choosing it to the results (the page's measure). */
async function chooseFile(page: Page, file: string): Promise<number> {
  await page.setInputFiles("#media-file", file);
  await page.waitForFunction(
    () => {
      const state = document.getElementById("main")?.dataset.state;
      return state === "error" || performance.getEntriesByName("visual-query").length > 0;
    },
    undefined,
    { timeout: 120_000 },
  );
  const error = await page.locator("#error").textContent();
  expect(await page.evaluate(() => document.getElementById("main")?.dataset.state), error ?? "").toBe(
    "results",
  );
  return Math.round(await page.evaluate(() => performance.getEntriesByName("visual-query")[0].duration));
}

const shownIds = (page: Page) =>
  page
    .locator("#results > li.result")
    .evaluateAll((items) => items.map((li) => li.getAttribute("data-video-id")));

describe.skipIf(!hasChromium)("visual query in Chromium", () => {
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "clip-visual-"));
    profile = mkdtempSync(join(tmpdir(), "clip-chromium-"));
    demo = await startDemoServer();
    browser = await launchChromium(profile);
  }, 300_000);

  afterAll(async () => {
    if (Object.keys(measured).length > 0) {
      writeFileSync(join(SCREENSHOT_DIR, "visual.json"), `${JSON.stringify(measured, null, 2)}\n`);
      console.info(`visual query measurements: ${JSON.stringify(measured)}`);
    }
    await browser?.close();
    await demo?.close();
    for (const dir of [profile, scratch]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("ranks the pink-square video first for a PNG of a pink square; the model is downloaded once, then cached", async () => {
    const png = framePng(join(demo.assets.videosDir, "toy-01.mp4"), 3, join(scratch, "pink-square.png"));
    const page = await openPage();
    const served = (await (await page.request.get(`${demo.url}/api/model/vision`)).json()) as {
      dtype: string;
      bytes: number;
    };
    measured["demo vision model"] = `${served.dtype}, ${served.bytes} bytes`;
    const first = await chooseFile(page, png);
    expect((await shownIds(page))[0]).toBe("toy-01");
    expect(await page.locator("#status").textContent()).toMatch(/result/);
    expect(await page.locator("#visual-note").textContent()).toMatch(/never leaves/);
    expect(await page.evaluate(() => document.getElementById("main")?.dataset.visual)).toMatch(/downloaded$/);
    // The download drew its progress bar: the model's bytes, all received.
    expect(
      await page
        .locator("#visual-progress")
        .evaluate((bar) => [
          bar.getAttribute("data-step"),
          (bar as unknown as { max: number }).max,
          (bar as unknown as { value: number }).value,
        ]),
    ).toEqual(["model", served.bytes, served.bytes]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "visual-image.png"), fullPage: true });
    await page.close();
    // A new page: the model comes from Cache Storage.
    const again = await openPage();
    const cached = await chooseFile(again, png);
    expect((await shownIds(again))[0]).toBe("toy-01");
    expect(await again.evaluate(() => document.getElementById("main")?.dataset.visual)).toMatch(/cached$/);
    await again.close();
    measured["image: choose to results, first (model download) ms"] = first;
    measured["image: choose to results, cached ms"] = cached;
  }, 180_000);

  it("ranks a toy clip's video first and describes it with its captions", async () => {
    const clip = join(demo.assets.videosDir, "toy-02.mp4");
    const page = await openPage();
    const first = await chooseFile(page, clip);
    expect((await shownIds(page))[0]).toBe("toy-02");
    // The first clip downloaded the video decoder (ffmpeg-core.wasm, in parts) with its progress bar.
    expect(await page.locator("#visual-progress").getAttribute("data-step")).toBe("decoder");
    expect(await page.locator("#describe-title").textContent()).toBe("Describe this clip");
    const captions = await page
      .locator("#describe-list li")
      .evaluateAll((items) => items.map((li) => li.getAttribute("data-video-id")));
    expect(captions.length).toBeGreaterThan(0);
    expect(captions[0]).toBe("toy-02");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "visual-clip.png"), fullPage: true });
    await page.close();
    const again = await openPage();
    const cached = await chooseFile(again, clip);
    expect((await shownIds(again))[0]).toBe("toy-02");
    await again.close();
    measured["clip: choose to results, first (ffmpeg core download) ms"] = first;
    measured["clip: choose to results, cached ms"] = cached;
  }, 240_000);
  it("works from the keyboard (Tab to the file input, Space opens the chooser), by drop and by paste; fits 375 px", async () => {
    const png = framePng(join(demo.assets.videosDir, "toy-04.mp4"), 2, join(scratch, "purple-circle.png"));
    const bytes = Array.from(readFileSync(png));
    const page = await openPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.setViewportSize({ width: 375, height: 800 });
    await page.locator("#q").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("media-file");
    // The file input is labelled (the section is labelled by the same text).
    expect(
      await page
        .getByLabel("Or search with an image or a short clip")
        .evaluateAll((els) => els.map((e) => e.tagName)),
    ).toEqual(["SECTION", "INPUT"]);
    const chooser = page.waitForEvent("filechooser");
    await page.keyboard.press("Space");
    await (await chooser).setFiles(png);
    await page.waitForFunction(() => performance.getEntriesByName("visual-query").length === 1, undefined, {
      timeout: 60_000,
    });
    expect((await shownIds(page))[0]).toBe("toy-04");
    expect(await page.locator("#status").getAttribute("aria-live")).toBe("polite");
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
    ).toBe(true);
    await page.screenshot({ path: join(SCREENSHOT_DIR, "visual-375px.png"), fullPage: true });
    // Dropped on the drop zone, then pasted: the same search each time.
    for (const [how, count] of [
      ["drop", 2],
      ["paste", 3],
    ] as const) {
      await page.evaluate(
        ({ how, bytes }) => {
          const transfer = new DataTransfer();
          transfer.items.add(new File([new Uint8Array(bytes)], "purple.png", { type: "image/png" }));
          const event =
            how === "drop"
              ? new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true })
              : new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true });
          (how === "drop" ? document.getElementById("drop") : document)?.dispatchEvent(event);
        },
        { how, bytes },
      );
      await page.waitForFunction((n) => performance.getEntriesByName("visual-query").length === n, count, {
        timeout: 60_000,
      });
      expect((await shownIds(page))[0], how).toBe("toy-04");
    }
    // A file that is neither an image nor a video: one line saying what to choose.
    await page.setInputFiles("#media-file", {
      name: "notes.txt",
      mimeType: "text/plain",
      buffer: Buffer.from("hi"),
    });
    await page.waitForFunction(() => document.getElementById("main")?.dataset.state === "error");
    expect(await page.locator("#error").textContent()).toMatch(/neither an image nor a video; choose a PNG/);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);

  it("loads nothing visual before the first visual query; refuses a vision model of another model, or none, with one line", async () => {
    const png = framePng(join(demo.assets.videosDir, "toy-03.mp4"), 2, join(scratch, "blue-triangle.png"));
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on("request", (request) => requested.push(new URL(request.url()).pathname));
    await page.goto(`${demo.url}/?q=${encodeURIComponent("a blue triangle")}`);
    await page.waitForFunction(() => document.getElementById("main")?.dataset.state === "results");
    expect(requested.filter((path) => path.startsWith("/browser/") || path.startsWith("/api/model"))).toEqual(
      [],
    );
    // Static assets with their caching (dist/assets/_headers): the entry revalidated, hashed files for good.
    const entry = await page.request.get(`${demo.url}/browser/visual-query.js`);
    expect([entry.status(), entry.headers()["cache-control"]]).toEqual([200, "no-cache"]);
    expect(entry.headers()["content-type"]).toMatch(/javascript/);
    const staticDir = fileURLToPath(new URL("../../dist/assets/browser/static/", import.meta.url));
    const wasmName = readdirSync(staticDir).find((name) =>
      /^ort-wasm-simd-threaded-[0-9a-f]{16}\.wasm$/.test(name),
    );
    const wasmPath = `/browser/static/${wasmName}`;
    const wasm = await page.request.head(`${demo.url}${wasmPath}`);
    expect([wasm.status(), wasm.headers()["cache-control"], wasm.headers()["content-type"]]).toEqual([
      200,
      "public, max-age=31536000, immutable",
      "application/wasm",
    ]);
    // The index's model as the server would name another one (the real answer, its model id changed).
    await page.route("**/api/health", async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { index: { model: { id: string } } };
      body.index.model.id = "another-clip";
      await route.fulfill({ response, json: body });
    });
    await page.setInputFiles("#media-file", png);
    await page.waitForFunction(() => document.getElementById("main")?.dataset.state === "error", undefined, {
      timeout: 60_000,
    });
    expect(await page.locator("#error").textContent()).toMatch(
      /the image encoder is toy-clip \(64 dimensions\) but the index was built with another-clip \(64\)/,
    );
    expect(requested.some((path) => path.startsWith("/api/model/files/"))).toBe(false);
    await page.unroute("**/api/health");
    // A deployment without a vision tower (what the API answers then: 404 no_vision_model).
    await page.route("**/api/model/vision", (route) =>
      route.fulfill({
        status: 404,
        json: { error: { code: "no_vision_model", message: "this deployment has no vision model" } },
      }),
    );
    await page.setInputFiles("#media-file", []);
    await page.setInputFiles("#media-file", png);
    await page.waitForFunction(() => document.getElementById("main")?.dataset.state === "error");
    expect(await page.locator("#error").textContent()).toMatch(
      /has no image encoder, so it cannot search by image/,
    );
    await page.unroute("**/api/model/vision");
    // A description whose preprocessing cannot be honoured (the real answer with one field broken): refused
    // in one line before any model file is fetched, as edge.json's parser refuses the same fields.
    const vision = (await (await page.request.get(`${demo.url}/api/model/vision`)).json()) as {
      preprocess: Record<string, unknown>;
    };
    for (const broken of [{ mean: ["a", 0, 0] }, { cropSize: 0 }, { mean: [0.5, 0.5] }]) {
      let answered = false;
      await page.route("**/api/model/vision", (route) => {
        answered = true;
        return route.fulfill({
          status: 200,
          json: { ...vision, preprocess: { ...vision.preprocess, ...broken } },
        });
      });
      await page.setInputFiles("#media-file", []);
      await page.setInputFiles("#media-file", png);
      // The page was already in its error state: wait for this query's answer, then for its error.
      await expect.poll(() => answered).toBe(true);
      await page.waitForFunction(() => document.getElementById("main")?.dataset.state === "error");
      expect(await page.locator("#error").textContent(), JSON.stringify(broken)).toMatch(
        /the server's description of the image encoder could not be read; try again later/,
      );
      await page.unroute("**/api/model/vision");
    }
    expect(requested.some((path) => path.startsWith("/api/model/files/"))).toBe(false);
    await page.close();
  }, 120_000);

  it("embeds a toy frame PNG and a toy clip as the indexer does (fp32 toy model, cosine >= 0.999)", async () => {
    const clip = join(demo.assets.videosDir, "toy-05.mp4");
    const png = framePng(join(demo.assets.videosDir, "toy-01.mp4"), 5, join(scratch, "toy-01-frame5.png"));
    const modelDir = demo.assets.modelDir;
    const node = await embedInNode(modelDir, png, clip);
    const page = await openPage();
    const web = await browserVsIndexer(page, join(modelDir, "onnx", "vision_model.onnx"), node, png, clip);
    await page.close();
    expect(web.frames).toEqual(node.frames);
    expect(web.frames).toHaveLength(8);
    measured["toy fp32 cosine, image"] = web.image;
    measured["toy fp32 cosine, clip"] = web.clip;
    expect(web.image).toBeGreaterThanOrEqual(0.999);
    expect(web.clip).toBeGreaterThanOrEqual(0.999);
  }, 180_000);

  it.skipIf(!hasSharedData)(
    "embeds a frame and a clip of a real video with a real export as the indexer does (hf-tiny-clip fp32, ../shared/videos/vid1.mp4)",
    async () => {
      const modelDir = sharedPath("models", "hf-tiny-clip");
      const clip = sharedPath("videos", "vid1.mp4");
      const png = framePng(clip, 30, join(scratch, "vid1-frame30.png"));
      const node = await embedInNode(modelDir, png, clip);
      const page = await openPage();
      const web = await browserVsIndexer(page, join(modelDir, "onnx", "vision_model.onnx"), node, png, clip);
      // The int8 tower prepare-edge writes for the browser, against the indexer's fp32 (reported; floor 0.99).
      const edgeDir = join(scratch, "edge-hf-tiny-clip");
      await prepareEdgeModel({ modelDir, outDir: edgeDir, table: "int8", vision: "int8" });
      const int8 = await browserVsIndexer(page, join(edgeDir, "vision_model.onnx"), node, png, clip);
      await page.close();
      expect(web.frames).toEqual(node.frames);
      measured["hf-tiny-clip fp32 cosine, image"] = web.image;
      measured["hf-tiny-clip fp32 cosine, clip"] = web.clip;
      expect(web.image).toBeGreaterThanOrEqual(0.999);
      expect(web.clip).toBeGreaterThanOrEqual(0.999);
      measured["hf-tiny-clip int8 (prepare-edge) vs fp32 cosine, image"] = int8.image;
      measured["hf-tiny-clip int8 (prepare-edge) vs fp32 cosine, clip"] = int8.clip;
      expect(int8.image).toBeGreaterThanOrEqual(0.99);
      expect(int8.clip).toBeGreaterThanOrEqual(0.99);
    },
    180_000,
  );
});

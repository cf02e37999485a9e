// A list file of http:// URLs end to end: a real HTTP server (test/http-file-server.ts) serves toy
// clips and a ../shared clip; ffmpeg reads the URLs itself (ranged GETs), a rewritten file is found
// changed by its ETag on the next sync, the result equals a fresh build, and a 404 URL is named.
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexSummary } from "../indexer/index/index-library.ts";
import { readIndex } from "../indexer/index/reader.ts";
import { type FileServer, startFileServer } from "./http-file-server.ts";
import {
  copyToyVideo,
  indexFiles,
  makeToyFixture,
  runCli,
  type ToyFixture,
  toyVideoName,
} from "./indexer-fixtures.ts";
import { hasSharedData, sharedPath } from "./shared-data.ts";

let dir = "";
let toy: ToyFixture;
let served = "";
let server: FileServer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-url-list-"));
  toy = await makeToyFixture(dir, 6);
  served = join(dir, "www");
  await mkdir(join(served, "clips"), { recursive: true });
  for (const n of [1, 2, 3, 4]) await copyToyVideo(toy, n, join(served, "clips"));
  // A clip the project did not make, where ../shared is present.
  if (hasSharedData) await copyFile(sharedPath("videos", "vid1.mp4"), join(served, "clips", "vid1.mp4"));
  server = await startFileServer(served);
});
afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

async function writeList(file: string, paths: string[]): Promise<string> {
  await writeFile(file, `# served by the test\n${paths.map((p) => `${server.origin}${p}`).join("\n")}\n`);
  return file;
}

async function index(list: string, out: string) {
  const run = await runCli([
    "index",
    list,
    "--out",
    out,
    "--model",
    toy.model,
    "--sample",
    "fps:2",
    "--threads",
    "1",
    "--json",
  ]);
  return { ...run, summary: run.code === 2 ? null : (JSON.parse(run.stdout) as IndexSummary) };
}

describe("a list file of http:// URLs", () => {
  const clips = [1, 2, 3, 4].map((n) => `/clips/${toyVideoName(n)}.mp4`);
  const all = () => (hasSharedData ? [...clips, "/clips/vid1.mp4"] : clips);

  it("is indexed by ffmpeg reading the URLs, synced by ETag, and equals a fresh build", async () => {
    const list = await writeList(join(dir, "urls.txt"), all());
    const out = join(dir, "url-index");
    const first = await index(list, out);
    expect(first.code, first.stderr).toBe(0);
    const ids = (await readIndex(out)).videos.map((v) => v.id);
    expect(ids).toEqual(all().map((p) => p.slice(1, -".mp4".length)));
    // ffmpeg (Lavf) fetched the bytes itself, with ranged requests; nothing was downloaded first.
    const ffmpegGets = server.requests.filter((r) => r.method === "GET" && r.userAgent.startsWith("Lavf"));
    expect(new Set(ffmpegGets.map((r) => r.path))).toEqual(new Set(all()));
    expect(ffmpegGets.some((r) => r.range !== null)).toBe(true);
    const sync = JSON.parse(await readFile(join(out, "sync.json"), "utf8"));
    expect(sync.videos[0].source.etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);

    // Rewrite one served file with other contents: a new ETag, so changed; the rest untouched.
    await copyToyVideo(toy, 5, join(served, "clips"), 2);
    server.requests.length = 0;
    const again = await index(list, out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.summary?.sync).toMatchObject({
      added: 0,
      changed: 1,
      removed: 0,
      unchanged: all().length - 1,
    });
    // Only the changed video was decoded again: ffmpeg asked for no other URL.
    const decoded = new Set(server.requests.filter((r) => r.userAgent.startsWith("Lavf")).map((r) => r.path));
    expect(decoded).toEqual(new Set([`/clips/${toyVideoName(2)}.mp4`]));
    const fresh = join(dir, "url-fresh");
    expect((await index(list, fresh)).code).toBe(0);
    expect(await indexFiles(out)).toEqual(await indexFiles(fresh));
  });

  it("names a URL that answers 404 and skips it (exit 3)", async () => {
    const list = await writeList(join(dir, "missing.txt"), [...clips.slice(0, 2), "/clips/gone.mp4"]);
    const run = await index(list, join(dir, "missing-index"));
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`${server.origin}/clips/gone.mp4: the URL answers HTTP 404`);
    expect(run.summary?.skipped).toEqual([
      { id: "clips/gone", path: `${server.origin}/clips/gone.mp4`, reason: "the URL answers HTTP 404" },
    ]);
    expect((await readIndex(join(dir, "missing-index"))).videos).toHaveLength(2);
  });

  it("treats a 404 URL as a missing file in the same list: both skipped and named, exit 3", async () => {
    // One unreadable video among readable ones is exit 3 wherever it lives (exit 2 is for inputs the run
    // cannot start from: the list itself, the model, a captions file).
    const list = await writeList(join(dir, "mixed.txt"), [clips[0], "/clips/gone.mp4"]);
    await writeFile(list, `${await readFile(list, "utf8")}local/not-here.mp4\n`);
    const run = await index(list, join(dir, "mixed-index"));
    expect(run.code).toBe(3);
    expect(run.summary?.skipped.map((s) => [s.id, s.reason])).toEqual([
      ["clips/gone", "the URL answers HTTP 404"],
      ["local/not-here", "file not found or not readable"],
    ]);
    const missingList = await index(join(dir, "no-such-list.txt"), join(dir, "x"));
    expect(missingList.code).toBe(2);
    expect(missingList.stderr).toContain("no-such-list.txt");
  });
});

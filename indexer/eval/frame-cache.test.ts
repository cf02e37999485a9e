// The frame cache: round trip, keyed by settings, a changed file or any damaged/partial entry is a miss.
import { mkdtemp, readdir, rm, symlink, unlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSourceIdentity } from "../discover/source-identity.ts";
import type { SourceIdentity } from "../index/video-result.ts";
import { FrameCache, type FrameCacheSettings, frameCacheKey, type VideoFrames } from "./frame-cache.ts";

/** The identity `eval` reads for a file (its size and mtime now). */
async function sourceIdentity(path: string): Promise<SourceIdentity> {
  const identity = await readSourceIdentity(path);
  if ("error" in identity) throw new Error(`${path}: ${identity.error}`);
  return identity;
}

const settings: FrameCacheSettings = {
  model: { id: "toy-clip", dimension: 3, file: "/m/vision_model.onnx", sizeBytes: 10, mtimeMs: 1 },
  sampling: "fps:1",
  decoder: "native",
};

const frames: VideoFrames = {
  vectors: Float32Array.from([1, 0, 0, 0, 0.6, 0.8]),
  count: 2,
  dimension: 3,
  timestampsSec: [0, 1],
  durationSec: 1.5,
  fps: 10,
  width: 320,
  height: 240,
};

let dir = "";
let video = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "frame-cache-"));
  video = join(dir, "video1.mp4");
  await writeFile(video, "pretend video");
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function entryFiles(cache: FrameCache): Promise<string[]> {
  return (await readdir(cache.dir)).filter((f) => f !== "settings.json").map((f) => join(cache.dir, f));
}

describe("FrameCache", () => {
  it("returns what was saved for the same file, also through a link", async () => {
    const cache = await FrameCache.open(join(dir, "c1"), settings);
    const source = await sourceIdentity(video);
    expect(await cache.load(video, source)).toBeNull();
    expect(await cache.has(video, source)).toBe(false);
    await cache.save(video, source, frames);
    expect(await cache.load(video, source)).toEqual(frames);
    expect(await cache.has(video, source)).toBe(true);
    const link = join(dir, "link.avi");
    await symlink(video, link);
    expect(await cache.load(link, await sourceIdentity(link))).toEqual(frames);
    expect((await entryFiles(cache)).map((f) => f.slice(f.lastIndexOf("."))).sort()).toEqual([
      ".json",
      ".npy",
    ]);
  });

  it("keys the folder by the settings", async () => {
    expect(frameCacheKey(settings)).toBe(frameCacheKey({ ...settings }));
    expect(frameCacheKey({ ...settings, sampling: "all" })).not.toBe(frameCacheKey(settings));
    expect(frameCacheKey({ ...settings, model: { ...settings.model, mtimeMs: 2 } })).not.toBe(
      frameCacheKey(settings),
    );
    const a = await FrameCache.open(join(dir, "c2"), settings);
    const b = await FrameCache.open(join(dir, "c2"), { ...settings, decoder: "wasm" });
    expect(a.dir).not.toBe(b.dir);
  });

  it("misses when the file changed, or the entry is damaged or half written", async () => {
    const cache = await FrameCache.open(join(dir, "c3"), settings);
    const source = await sourceIdentity(video);
    await cache.save(video, source, frames);
    expect(await cache.load(video, { ...source, mtimeMs: source.mtimeMs + 1 })).toBeNull();
    expect(await cache.load(video, { ...source, sizeBytes: source.sizeBytes + 1 })).toBeNull();
    expect(await cache.has(video, { ...source, mtimeMs: source.mtimeMs + 1 })).toBe(false);
    expect(await cache.has(video, { ...source, sizeBytes: source.sizeBytes + 1 })).toBe(false);
    const [json, npy] = (await entryFiles(cache)).sort();
    await writeFile(npy, "damaged");
    expect(await cache.load(video, source)).toBeNull();
    expect(await cache.has(video, source)).toBe(false);
    await cache.save(video, source, frames);
    await unlink(json); // a crash between the two writes leaves the .npy without its sidecar
    expect(await cache.load(video, source)).toBeNull();
    expect(await cache.has(video, source)).toBe(false);
    await cache.save(video, source, frames);
    expect(await cache.load(video, source)).toEqual(frames);
  });

  it("drops temp files a killed run left behind, but not fresh ones", async () => {
    const cache = await FrameCache.open(join(dir, "c4"), settings);
    const stale = join(cache.dir, "x.npy.1.0.tmp");
    const fresh = join(cache.dir, "y.npy.2.0.tmp");
    await writeFile(stale, "");
    await writeFile(fresh, "");
    await utimes(stale, new Date(0), new Date(0));
    await FrameCache.open(join(dir, "c4"), settings);
    expect((await readdir(cache.dir)).filter((f) => f.endsWith(".tmp"))).toEqual(["y.npy.2.0.tmp"]);
  });
});

// The synthetic video set: the seeded plan (unique answers, objects inside CLIP's centre crop) and
// the files `generate toy-videos` writes (real H.264 through native ffmpeg, captions, manifest, queries).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCaptions } from "../discover/captions-file.ts";
import { parseManifest } from "../discover/manifest-file.ts";
import {
  objectAt,
  planToyVideos,
  TOY_MAX_VIDEOS,
  TOY_VIDEO_FPS,
  TOY_VIDEO_HEIGHT,
  TOY_VIDEO_WIDTH,
  type ToyQuery,
  toyQueries,
} from "./toy-video-plan.ts";
import { type ToyVideosSummary, writeToyVideos } from "./toy-videos.ts";

const run = promisify(execFile);

describe("toy video plan", () => {
  it("makes a third of the videos change scene and never reuses a colour+shape pair", () => {
    const plans = planToyVideos(12, 1);
    expect(plans.map((p) => p.scenes.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2]);
    const pairs = plans.flatMap((p) => p.scenes.map((s) => `${s.colour} ${s.shape}`));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(new Set(plans.map((p) => p.id)).size).toBe(12);
    for (const plan of plans) expect(plan.captions).toHaveLength(2);
  });

  it("keeps every object inside the centre square that CLIP's crop keeps, in every frame", () => {
    const margin = (TOY_VIDEO_WIDTH - TOY_VIDEO_HEIGHT) / 2;
    for (const plan of planToyVideos(TOY_MAX_VIDEOS, 9)) {
      for (let i = 0; i < plan.durationSec * TOY_VIDEO_FPS; i++) {
        const o = objectAt(plan, i / TOY_VIDEO_FPS);
        expect(o.centerX - o.radius).toBeGreaterThanOrEqual(margin);
        expect(o.centerX + o.radius).toBeLessThanOrEqual(TOY_VIDEO_WIDTH - margin);
        expect(o.centerY - o.radius).toBeGreaterThanOrEqual(0);
        expect(o.centerY + o.radius).toBeLessThanOrEqual(TOY_VIDEO_HEIGHT);
      }
    }
  });

  it("switches object at the scene boundary", () => {
    const plan = planToyVideos(3, 4)[2];
    const [first, second] = plan.scenes;
    expect(objectAt(plan, first.endSec - 1 / TOY_VIDEO_FPS).shape).toBe(first.shape);
    expect(objectAt(plan, second.startSec).shape).toBe(second.shape);
    expect(second.startSec).toBe(first.endSec);
    expect(second.endSec).toBe(plan.durationSec);
  });

  it("is deterministic for a seed and differs between seeds", () => {
    expect(planToyVideos(6, 2)).toEqual(planToyVideos(6, 2));
    expect(planToyVideos(6, 2)).not.toEqual(planToyVideos(6, 3));
  });

  it("rejects counts outside 1..TOY_MAX_VIDEOS", () => {
    expect(() => planToyVideos(0, 1)).toThrow(RangeError);
    expect(() => planToyVideos(TOY_MAX_VIDEOS + 1, 1)).toThrow(RangeError);
    expect(planToyVideos(TOY_MAX_VIDEOS, 1)).toHaveLength(TOY_MAX_VIDEOS);
  });

  it("lists every caption as a query and each scene of a scene-change video with its moment", () => {
    const plans = planToyVideos(3, 1);
    const queries = toyQueries(plans);
    const scene = plans[2];
    expect(queries).toHaveLength(3 * 2 + 2);
    expect(queries.slice(-2)).toEqual(
      scene.scenes.map((s) => ({
        query: s.caption,
        videoId: scene.id,
        startSec: s.startSec,
        endSec: s.endSec,
      })),
    );
  });
});

describe("generate toy-videos: files", () => {
  let dir: string;
  let summary: ToyVideosSummary;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "toy-videos-"));
    summary = await writeToyVideos(dir, { count: 3, seed: 2 });
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("writes H.264 mp4s of the planned size, rate and length", async () => {
    for (const plan of summary.plans) {
      const { stdout } = await run("ffprobe", [
        ...["-v", "error", "-select_streams", "v:0", "-count_frames"],
        ...["-show_entries", "stream=codec_name,width,height,r_frame_rate,nb_read_frames", "-of", "json"],
        join(dir, plan.path),
      ]);
      const [stream] = JSON.parse(stdout).streams;
      expect(stream).toEqual({
        codec_name: "h264",
        width: TOY_VIDEO_WIDTH,
        height: TOY_VIDEO_HEIGHT,
        r_frame_rate: `${TOY_VIDEO_FPS}/1`,
        nb_read_frames: String(plan.durationSec * TOY_VIDEO_FPS),
      });
    }
  });

  it("writes captions.csv and manifest.csv that the indexer's readers accept", async () => {
    const captions = parseCaptions(await readFile(join(dir, "captions.csv"), "utf8"), "captions.csv");
    expect(captions).toEqual(
      summary.plans.flatMap((p) => p.captions.map((text) => ({ videoId: p.id, text }))),
    );
    const manifest = parseManifest(await readFile(join(dir, "manifest.csv"), "utf8"), "manifest.csv");
    expect(manifest).toEqual(
      summary.plans.map((p) => ({ id: p.id, path: p.path, title: p.title, url: undefined })),
    );
  });

  it("writes queries.json with the planned queries", async () => {
    const queries: ToyQuery[] = JSON.parse(await readFile(join(dir, "queries.json"), "utf8"));
    expect(queries).toEqual(toyQueries(summary.plans));
  });
});

// End to end through the real CLI, ffmpeg and ONNX Runtime: `index` the toy videos with the toy model,
// `search` them, shards + `merge`, float16, and the two real clips of ../shared/videos.
import { execFileSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IndexSummary } from "../indexer/index/index-library.ts";
import { readIndex } from "../indexer/index/reader.ts";
import { thumbnailStem } from "../indexer/index/writer.ts";
import { parseNpy } from "../shared/npy.ts";
import {
  indexFiles,
  makeToyFixture,
  readToyQueries,
  runCli,
  type ToyFixture,
  toyIndexOptions,
  toyVideoName,
} from "./indexer-fixtures.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

let dir = "";
let toy: ToyFixture;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "indexer-e2e-"));
  toy = await makeToyFixture(dir, 6);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const toyArgs = () => [
  "index",
  toy.videos,
  "--manifest",
  toy.manifest,
  ...toyIndexOptions(toy, ["--aggregate", "mean", "--aggregate", "kmeans:2"]),
];

describe("index + search on the toy videos", () => {
  let full = "";
  beforeAll(async () => {
    full = join(dir, "full");
    const run = await runCli([...toyArgs(), "--out", full, "--json"]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
  });

  it("writes a complete index per shared/index-format.ts", async () => {
    const index = await readIndex(full);
    const { manifest } = index;
    expect(manifest.model).toEqual({ id: "toy-clip", dimension: 64 });
    expect(manifest.aggregations).toEqual(["mean", "kmeans:2"]);
    expect(manifest.segmentSeconds).toBe(2);
    expect(manifest.sampling).toBe("fps:2");
    expect(index.videos.map((v) => v.id)).toEqual(Array.from({ length: 6 }, (_, i) => toyVideoName(i + 1)));
    expect(index.videos[0]).toMatchObject({
      title: "green square",
      width: 320,
      height: 240,
      fps: 10,
      // Named by the id's hash (the same in a shard, a merge or a sync), not by position.
      thumbnail: `thumbnails/${thumbnailStem("toy-01")}.jpg`,
    });
    expect(index.videos[0].durationSec).toBeCloseTo(3, 1);
    expect(index.videos[0].frames).toBe(6);
    // Each video: 1 mean row, 2 k-means rows, then its segments; rows of a video are contiguous.
    for (const [v, video] of index.videos.entries()) {
      const rows = index.rows.video.flatMap((x, r) => (x === v ? [r] : []));
      expect(rows.map((r) => index.rows.aggregation[r]).slice(0, 3)).toEqual([0, 1, 1]);
      const segments = rows.filter((r) => index.rows.aggregation[r] === -1);
      expect(segments.length).toBe(Math.max(1, Math.ceil((video.durationSec - 2) / 1 - 1e-9) + 1));
      expect(rows.at(-1)! - rows[0] + 1).toBe(rows.length);
    }
    expect(index.captions.length).toBe(12);
    const jpeg = await readFile(join(full, index.videos[5].thumbnail ?? "no thumbnail"));
    expect([...jpeg.subarray(0, 2)]).toEqual([0xff, 0xd8]);
  });

  it("ranks each toy caption's video first through `search`", async () => {
    const queries = await readToyQueries(toy);
    for (const q of queries.filter((x) => x.startSec === undefined)) {
      const run = await runCli([
        "search",
        q.query,
        "--index",
        full,
        "--model",
        toy.model,
        "-k",
        "3",
        "--json",
      ]);
      expect(run.code).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.results[0].videoId, q.query).toBe(q.videoId);
      expect(result.results).toHaveLength(3);
    }
  });

  it("finds the moment of a scene in a scene-change video", async () => {
    const queries = await readToyQueries(toy);
    const scenes = queries.filter((x) => x.startSec !== undefined);
    expect(scenes.length).toBeGreaterThan(0);
    for (const q of scenes) {
      const run = await runCli(["search", q.query, "--index", full, "--model", toy.model, "--json"]);
      const hit = JSON.parse(run.stdout).results.find((h: { videoId: string }) => h.videoId === q.videoId);
      // The best 2 s window lies mostly inside the scene.
      const overlap = Math.min(hit.moment.endSec, q.endSec!) - Math.max(hit.moment.startSec, q.startSec!);
      expect(overlap, q.query).toBeGreaterThanOrEqual(1);
    }
  });

  it("prints ranked text without --json and refuses another model", async () => {
    const run = await runCli(["search", "a green square", "--index", full, "--model", toy.model, "-k", "1"]);
    expect(run.stdout).toMatch(/^ {2}1 {2}0\.\d{4} {2}toy-01 {2}best moment 0:0\d\.\d-0:0\d\.\d\n$/);
    const other = join(dir, "other-model");
    await mkdir(other, { recursive: true });
    for (const f of ["config.json", "vocab.json", "merges.txt", "preprocessor_config.json"])
      await copyFile(join(toy.model, f), join(other, f));
    await mkdir(join(other, "onnx"));
    await copyFile(join(toy.model, "onnx", "text_model.onnx"), join(other, "onnx", "text_model.onnx"));
    const config = JSON.parse(await readFile(join(other, "config.json"), "utf8"));
    await writeFile(join(other, "config.json"), JSON.stringify({ ...config, _name_or_path: "someone/else" }));
    const refused = await runCli(["search", "a green square", "--index", full, "--model", other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/built with model "toy-clip" but the text encoder is "someone\/else"/);
  });

  it("shards merged give the same files as one run", async () => {
    const shards = [1, 2, 3].map((i) => join(dir, `shard-${i}`));
    for (const [i, shard] of shards.entries()) {
      const run = await runCli([...toyArgs(), "--out", shard, "--shard", `${i + 1}/3`]);
      expect(run.code).toBe(0);
    }
    // The id hash puts 0, 2 and 4 of the six toy videos in shards 1..3: an empty shard merges too.
    const counts = await Promise.all(shards.map(async (s) => (await readIndex(s)).videos.length));
    expect(counts).toEqual([0, 2, 4]);
    const merged = join(dir, "merged");
    const run = await runCli(["merge", merged, ...shards.reverse()]);
    expect(run.code).toBe(0);
    expect(await indexFiles(merged)).toEqual(await indexFiles(full));
  });

  it("stores float16 vectors close to the float32 ones, and refuses to merge them with float32", async () => {
    const half = join(dir, "half");
    expect((await runCli([...toyArgs(), "--out", half, "--vector-dtype", "float16"])).code).toBe(0);
    const bytes = await readFile(join(half, "vectors.npy"));
    const array = parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    expect(array.dtype).toBe("float16");
    const [a, b] = [await readIndex(full), await readIndex(half)];
    expect(b.rows).toEqual(a.rows);
    let maxError = 0;
    for (let i = 0; i < a.vectors.length; i++)
      maxError = Math.max(maxError, Math.abs(a.vectors[i] - b.vectors[i]));
    expect(maxError).toBeGreaterThan(0);
    expect(maxError).toBeLessThan(1e-3);
    const run = await runCli(["merge", join(dir, "mismatch"), full, half]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /half has dtype "float16" but .*full has "float32"; shards must be indexed with the same options/,
    );
  });
});

describe("damaged files", () => {
  it("skips truncated, empty, non-video and zero-frame files with reasons; exit 3", async () => {
    const lib = join(dir, "damaged");
    await mkdir(lib);
    await copyFile(join(toy.videos, "toy-01.mp4"), join(lib, "good-1.mp4"));
    await copyFile(join(toy.videos, "toy-02.mp4"), join(lib, "good-2.mp4"));
    const whole = await readFile(join(toy.videos, "toy-03.mp4"));
    await writeFile(join(lib, "truncated.mp4"), whole.subarray(0, Math.floor(whole.length / 3)));
    await writeFile(join(lib, "empty.mp4"), "");
    await writeFile(join(lib, "text.mp4"), "this is not a video\n");
    // A container whose video stream holds no frame.
    execFileSync("ffmpeg", [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "color=c=red:s=64x64:d=1",
      "-frames:v",
      "0",
      "-c:v",
      "libx264",
      "-y",
      join(lib, "zero-frames.mp4"),
    ]);
    const out = join(dir, "damaged-index");
    const run = await runCli(["index", lib, "--model", toy.model, "--out", out, "--json"]);
    expect(run.code).toBe(3);
    const summary = JSON.parse(run.stdout) as IndexSummary;
    expect(summary.videos).toMatchObject({ total: 6, indexed: 2, skipped: 4 });
    expect(summary.skipped.map((s) => s.id).sort()).toEqual(["empty", "text", "truncated", "zero-frames"]);
    for (const s of summary.skipped) expect(s.reason.length).toBeGreaterThan(5);
    expect(run.stderr).toMatch(/skipped 4 files:\n {2}.*empty\.mp4: /);
    const index = await readIndex(out);
    expect(index.videos.map((v) => v.id)).toEqual(["good-1", "good-2"]);
  });

  it("fails with a one-line error for a missing model or library", async () => {
    const noModel = await runCli([
      "index",
      toy.videos,
      "--model",
      join(dir, "nope"),
      "--out",
      join(dir, "x"),
    ]);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toMatch(/^error: model directory .* does not exist/);
    const noVideos = await runCli([
      "index",
      join(dir, "nope"),
      "--model",
      toy.model,
      "--out",
      join(dir, "x"),
    ]);
    expect(noVideos.code).toBe(2);
    expect(noVideos.stderr).toMatch(/^error: videos not found/);
  });
});

describe.skipIf(!hasSharedData)(
  `real clips of ../shared/videos (${hasSharedData ? "present" : SHARED_DATA_SKIP_REASON})`,
  () => {
    it("indexes both clips with their metadata", async () => {
      const out = join(dir, "shared-index");
      const run = await runCli([
        "index",
        sharedPath("videos"),
        "--model",
        toy.model,
        "--out",
        out,
        "--sample",
        "uniform:8",
        "--json",
      ]);
      expect(run.code).toBe(0);
      const index = await readIndex(out);
      expect(index.videos.map((v) => v.id)).toEqual(["vid1", "vid2"]);
      for (const video of index.videos) {
        expect(video).toMatchObject({
          width: 640,
          height: 360,
          frames: 8,
          title: video.id,
        });
        expect(video.durationSec).toBeGreaterThan(1);
        expect(video.fps).toBeGreaterThan(0);
      }
      expect(index.manifest.counts).toEqual({ videos: 2, vectors: 2, captions: 0 });
    });
  },
);

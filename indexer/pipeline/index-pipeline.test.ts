// Flow of the pipeline with synthetic frames (the real decoder and model are exercised end to end in
// test/indexer-*.test.ts): per-video failures are skipped, batches span videos, order is kept.
import { describe, expect, it } from "vitest";
import { parseAggregation } from "../../shared/aggregate.ts";
import type { VideoResult } from "../index/video-result.ts";
import { type PipelineJob, runIndexPipeline } from "./index-pipeline.ts";
import { StageClock } from "./stage-clock.ts";
import type { DecodedFrame, FrameSource } from "./types.ts";

const FRAMES: Record<string, number> = { a: 5, b: 0, c: 3, d: 4 };

const source: FrameSource = {
  async probe(path) {
    if (path === "bad") throw new Error("moov atom not found");
    return { durationSec: FRAMES[path] ?? 0, fps: 1, width: 2, height: 1 };
  },
  async *frames(path, info): AsyncGenerator<DecodedFrame> {
    // The pipeline hands back what probe() returned for this path.
    if (info.durationSec !== (FRAMES[path] ?? 0)) throw new Error(`wrong info for ${path}`);
    for (let i = 0; i < (FRAMES[path] ?? 0); i++) {
      if (path === "d" && i === 2) throw new Error("truncated stream");
      yield { index: i, timestampSec: i, width: 2, height: 1, rgb: Uint8Array.from([i, 1, 2, 3, 4, 5]) };
    }
  },
  async thumbnail(frame) {
    return Uint8Array.from([0xff, 0xd8, frame.index]);
  },
};

const job = (id: string): PipelineJob => ({
  id,
  path: id,
  title: id,
  url: null,
  source: { sizeBytes: 1, mtimeMs: 1 },
});

describe("runIndexPipeline", () => {
  it("indexes good videos, reports bad ones, fills batches across videos", async () => {
    const batches: number[][] = [];
    const saved: VideoResult[] = [];
    const hooked: [string, number[], number[]][] = [];
    const outcome = await runIndexPipeline(["a", "bad", "b", "c", "d"].map(job), {
      source,
      preprocess: (frame) => Float32Array.from([frame.rgb[0] + 1, 1]),
      embedder: {
        dimension: 2,
        async embed(pixels, count) {
          batches.push(Array.from(pixels.subarray(0, count * 2).filter((_, i) => i % 2 === 0)));
          return Array.from({ length: count }, (_, i) => Float32Array.from([pixels[i * 2], 1]));
        },
      },
      batchSize: 2,
      aggregations: [parseAggregation("mean"), parseAggregation("frame:1")],
      segmentSec: 2,
      clock: new StageClock(),
      onFrames(job, vectors, timestampsSec) {
        hooked.push([job.id, vectors.map((v) => v[0]), [...timestampsSec]]);
      },
      async save(result) {
        saved.push(result);
      },
    });
    expect(saved.map((r) => r.id)).toEqual(["a", "c"]);
    // Raw frame vectors (pixels[0] = rgb[0] + 1) and times of the saved videos only, in order.
    expect(hooked).toEqual([
      ["a", [1, 2, 3, 4, 5], [0, 1, 2, 3, 4]],
      ["c", [1, 2, 3], [0, 1, 2]],
    ]);
    expect(outcome.failed.map((f) => [f.id, f.reason])).toEqual([
      ["bad", "moov atom not found"],
      ["b", "no frames could be decoded (empty or zero-frame video)"],
      ["d", "truncated stream"],
    ]);
    // a: frames 1..5, c: 1..3, d: 1..2 (then fails) in full batches of 2 regardless of videos.
    expect(batches).toEqual([
      [1, 2],
      [3, 4],
      [5, 1],
      [2, 3],
      [1, 2],
    ]);
    const a = saved[0];
    expect(a.frames).toBe(5);
    // The frame nearest the middle (2.5 s of 5 s): frame 2 (ties keep the first).
    expect(a.thumbnail).toEqual(Uint8Array.from([0xff, 0xd8, 2]));
    // mean, frame:1, then segments [0,2) [1,3) [2,4) [3,5].
    expect(a.rows.map((r) => r.aggregation)).toEqual([0, 1, -1, -1, -1, -1]);
    expect(a.rows.slice(2).map((r) => [r.startSec, r.endSec])).toEqual([
      [0, 2],
      [1, 3],
      [2, 4],
      [3, 5],
    ]);
    expect(a.vectors.length).toBe(6 * 2);
    // frame:1 is the second frame's embedding [2, 1], normalized.
    expect(a.vectors[2]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(outcome.frames).toBe(5 + 3 + 2);
  });

  it("gives each segment and k-means centroid the preview of its nearest frame as its thumbnail", async () => {
    // Unit frame vectors at these angles (frame i at i s); windows of 4 s: [0,4) [2,6) [4,7].
    const angles = [0, 0.1, 0.2, 1.5, 1.6, 2.8, 3.0];
    const encoded: number[] = [];
    const withPreviews: FrameSource = {
      probe: async () => ({ durationSec: 7, fps: 1, width: 2, height: 1 }),
      async *frames(): AsyncGenerator<DecodedFrame> {
        for (let i = 0; i < angles.length; i++)
          yield { index: i, timestampSec: i, width: 2, height: 1, rgb: Uint8Array.from([i, 0, 0, 0, 0, 0]) };
      },
      // The byte after the marker says which frame, the next one which kind: 0 video, 1 moment.
      thumbnail: async (frame) => Uint8Array.from([0xff, 0xd8, frame.index, 0]),
      async momentThumbnail(frame) {
        encoded.push(frame.index);
        return Uint8Array.from([0xff, 0xd8, frame.index, 1]);
      },
    };
    const saved: VideoResult[] = [];
    const run = (aggregations: string[], segmentSec: number | null) =>
      runIndexPipeline([job("v")], {
        source: withPreviews,
        preprocess: (frame) => Float32Array.of(frame.rgb[0]),
        embedder: {
          dimension: 2,
          embed: async (pixels, count) =>
            Array.from({ length: count }, (_, i) =>
              Float32Array.of(Math.cos(angles[pixels[i]]), Math.sin(angles[pixels[i]])),
            ),
        },
        batchSize: 3,
        aggregations: aggregations.map(parseAggregation),
        segmentSec,
        clock: new StageClock(),
        save: async (result) => {
          saved.push(result);
        },
      });
    await run(["mean", "kmeans:1"], 4);
    const [v] = saved;
    expect(encoded).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // The video's own thumbnail is still its middle frame at full size.
    expect(v.thumbnail).toEqual(Uint8Array.from([0xff, 0xd8, 3, 0]));
    expect(
      v.rows.map((row) => [row.aggregation, row.startSec, row.thumbnail ? Array.from(row.thumbnail) : null]),
    ).toEqual([
      [0, 0, null],
      [1, 0, [0xff, 0xd8, 3, 1]],
      [-1, 0, [0xff, 0xd8, 2, 1]],
      [-1, 2, [0xff, 0xd8, 3, 1]],
      [-1, 4, [0xff, 0xd8, 5, 1]],
    ]);
    // Without segments or centroids there are no moments: no frame is encoded for them.
    encoded.length = 0;
    await run(["mean"], null);
    expect(encoded).toEqual([]);
    expect(saved[1].rows.map((row) => row.thumbnail ?? null)).toEqual([null]);
  });

  it("aborts on an inference error instead of skipping the video", async () => {
    const run = runIndexPipeline(["a", "c"].map(job), {
      source,
      preprocess: () => new Float32Array(2),
      embedder: {
        dimension: 2,
        embed: async () => {
          throw new Error("onnx failed");
        },
      },
      batchSize: 2,
      aggregations: [parseAggregation("mean")],
      segmentSec: null,
      clock: new StageClock(),
      save: async () => {},
    });
    await expect(run).rejects.toThrow("onnx failed");
  });
});

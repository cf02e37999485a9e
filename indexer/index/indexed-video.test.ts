// `index`'s use of the frame pipeline's videos, with synthetic frames: rows from every aggregation and the
// segments, and each moment's thumbnail from its nearest frame (frames' thumbnails only when there are moments).
import { describe, expect, it } from "vitest";
import { parseAggregation } from "../../shared/aggregate.ts";
import type { DecodedFrame } from "../decode/decoded-frame.ts";
import { runFramePipeline } from "../pipeline/frame-pipeline.ts";
import { StageClock } from "../pipeline/stage-clock.ts";
import type { FrameEmbedder, FrameSource } from "../pipeline/types.ts";
import { hasMoments, type IndexJob, indexedVideo } from "./indexed-video.ts";
import type { VideoResult } from "./video-result.ts";

const job = (id: string): IndexJob => ({
  id,
  path: id,
  title: id,
  url: null,
  source: { sizeBytes: 1, mtimeMs: 1 },
});

/** Runs `jobs` as indexLibrary does: the pipeline, each video turned into its VideoResult. */
async function indexVideos(
  jobs: IndexJob[],
  options: { source: FrameSource; embedder: FrameEmbedder; batchSize: number },
  aggregationSpellings: string[],
  segmentSec: number | null,
): Promise<VideoResult[]> {
  const aggregations = aggregationSpellings.map(parseAggregation);
  const saved: VideoResult[] = [];
  await runFramePipeline(jobs, {
    ...options,
    preprocess: (frame) => Float32Array.from([frame.rgb[0] + 1, 1]),
    thumbnails: { video: true, frames: hasMoments(aggregations, segmentSec) },
    clock: new StageClock(),
    async consume(video) {
      saved.push(indexedVideo(video, aggregations, segmentSec));
    },
  });
  return saved;
}

describe("indexedVideo", () => {
  it("stores every aggregation, then the segments, over the pipeline's frames", async () => {
    const source: FrameSource = {
      probe: async () => ({ durationSec: 5, fps: 1, width: 2, height: 1 }),
      async *frames(): AsyncGenerator<DecodedFrame> {
        for (let i = 0; i < 5; i++)
          yield { index: i, timestampSec: i, width: 2, height: 1, rgb: Uint8Array.from([i, 1, 2, 3, 4, 5]) };
      },
      thumbnail: async (frame) => Uint8Array.from([0xff, 0xd8, frame.index]),
      frameThumbnail: async () => Uint8Array.from([0xff, 0xd8]),
    };
    const embedder: FrameEmbedder = {
      dimension: 2,
      embed: async (pixels, count) =>
        Array.from({ length: count }, (_, i) => Float32Array.from([pixels[i * 2], 1])),
    };
    const [a] = await indexVideos([job("a")], { source, embedder, batchSize: 2 }, ["mean", "frame:1"], 2);
    expect(a.frames).toBe(5);
    expect(a).toMatchObject({ id: "a", title: "a", url: null, durationSec: 5, fps: 1, width: 2, height: 1 });
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
  });

  it("gives each segment and k-means centroid the thumbnail of its nearest frame", async () => {
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
      async frameThumbnail(frame) {
        encoded.push(frame.index);
        return Uint8Array.from([0xff, 0xd8, frame.index, 1]);
      },
    };
    const embedder: FrameEmbedder = {
      dimension: 2,
      // preprocess puts rgb[0] + 1 first: frame i.
      embed: async (pixels, count) =>
        Array.from({ length: count }, (_, i) => {
          const angle = angles[pixels[i * 2] - 1];
          return Float32Array.of(Math.cos(angle), Math.sin(angle));
        }),
    };
    const options = { source: withPreviews, embedder, batchSize: 3 };
    const [v] = await indexVideos([job("v")], options, ["mean", "kmeans:1"], 4);
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
    const [plain] = await indexVideos([job("v")], options, ["mean"], null);
    expect(encoded).toEqual([]);
    expect(plain.rows.map((row) => row.thumbnail ?? null)).toEqual([null]);
  });
});

// Flow of the frame pipeline with synthetic frames (the real decoder and model are exercised end to end in
// test/indexer-*.test.ts and test/eval.test.ts): per-video failures are skipped, batches span videos, order
// is kept, thumbnails are encoded only when asked for.
import { describe, expect, it } from "vitest";
import type { DecodedFrame } from "../decode/decoded-frame.ts";
import { runFramePipeline } from "./frame-pipeline.ts";
import { StageClock } from "./stage-clock.ts";
import type { EmbeddedVideo, FrameEmbedder, FrameSource, PipelineJob } from "./types.ts";

const FRAMES: Record<string, number> = { a: 5, b: 0, c: 3, d: 4 };

const source: FrameSource = {
  async probe(path, known) {
    // The job's source is handed to probe (its stat is not repeated).
    if (known.sizeBytes !== path.length) throw new Error(`wrong source for ${path}`);
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
  // The byte after the marker says which frame, the next one which kind: 0 video, 1 frame.
  thumbnail: async (frame) => Uint8Array.from([0xff, 0xd8, frame.index, 0]),
  frameThumbnail: async (frame) => Uint8Array.from([0xff, 0xd8, frame.index, 1]),
};

const job = (id: string): PipelineJob => ({ id, path: id, source: { sizeBytes: id.length } });

/** Embeds frame pixels [p, x] as [p, 1], recording each batch's first pixels. */
function recordingEmbedder(batches: number[][]): FrameEmbedder {
  return {
    dimension: 2,
    async embed(pixels, count) {
      batches.push(Array.from(pixels.subarray(0, count * 2).filter((_, i) => i % 2 === 0)));
      return Array.from({ length: count }, (_, i) => Float32Array.from([pixels[i * 2], 1]));
    },
  };
}

describe("runFramePipeline", () => {
  it("yields good videos' frame vectors in order, reports bad ones, fills batches across videos", async () => {
    const batches: number[][] = [];
    const consumed: EmbeddedVideo<PipelineJob>[] = [];
    const outcome = await runFramePipeline(["a", "bad", "b", "c", "d"].map(job), {
      source,
      preprocess: (frame) => Float32Array.from([frame.rgb[0] + 1, 1]),
      embedder: recordingEmbedder(batches),
      batchSize: 2,
      thumbnails: { video: true, frames: false },
      clock: new StageClock(),
      async consume(video) {
        consumed.push(video);
      },
    });
    // Raw frame vectors (pixels[0] = rgb[0] + 1) and times of the good videos only, in order.
    expect(consumed.map((v) => [v.job.id, v.vectors.map((x) => x[0]), v.timestampsSec])).toEqual([
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
    const [a] = consumed;
    expect(a.vectors[1]).toEqual(Float32Array.of(2, 1));
    expect(a.durationSec).toBe(5);
    expect(a.info).toEqual({ durationSec: 5, fps: 1, width: 2, height: 1 });
    // The frame nearest the middle (2.5 s of 5 s): frame 2 (ties keep the first).
    expect(a.thumbnail).toEqual(Uint8Array.from([0xff, 0xd8, 2, 0]));
    expect(a.frameThumbnails).toEqual([]);
    expect(outcome.frames).toBe(5 + 3 + 2);
  });

  it("encodes a small thumbnail of every sampled frame only when asked for, and the video's only when asked for", async () => {
    const encoded: number[] = [];
    const counting: FrameSource = {
      ...source,
      async frameThumbnail(frame) {
        encoded.push(frame.index);
        return source.frameThumbnail(frame);
      },
    };
    const run = async (thumbnails: { video: boolean; frames: boolean }) => {
      const consumed: EmbeddedVideo<PipelineJob>[] = [];
      await runFramePipeline([job("c")], {
        source: counting,
        preprocess: (frame) => Float32Array.of(frame.rgb[0], 0),
        embedder: recordingEmbedder([]),
        batchSize: 3,
        thumbnails,
        clock: new StageClock(),
        consume: async (video) => {
          consumed.push(video);
        },
      });
      return consumed[0];
    };
    const withFrames = await run({ video: true, frames: true });
    expect(encoded).toEqual([0, 1, 2]);
    expect(withFrames.frameThumbnails.map((t) => t && Array.from(t))).toEqual([
      [0xff, 0xd8, 0, 1],
      [0xff, 0xd8, 1, 1],
      [0xff, 0xd8, 2, 1],
    ]);
    // The video's own thumbnail is still its middle frame at full size.
    expect(withFrames.thumbnail).toEqual(Uint8Array.from([0xff, 0xd8, 1, 0]));
    // Not asked for: no frame is encoded, and no video thumbnail either.
    encoded.length = 0;
    const without = await run({ video: false, frames: false });
    expect(encoded).toEqual([]);
    expect(without.frameThumbnails).toEqual([]);
    expect(without.thumbnail).toBeNull();
    expect(without.vectors).toHaveLength(3);
  });

  it("aborts on an inference error instead of skipping the video", async () => {
    const run = runFramePipeline(["a", "c"].map(job), {
      source,
      preprocess: () => new Float32Array(2),
      embedder: {
        dimension: 2,
        embed: async () => {
          throw new Error("onnx failed");
        },
      },
      batchSize: 2,
      thumbnails: { video: true, frames: false },
      clock: new StageClock(),
      consume: async () => {},
    });
    await expect(run).rejects.toThrow("onnx failed");
  });

  it("aborts when consume fails, after the calls already started have finished", async () => {
    const settled: string[] = [];
    const run = runFramePipeline(["a", "c"].map(job), {
      source,
      preprocess: (frame) => Float32Array.of(frame.rgb[0], 0),
      embedder: recordingEmbedder([]),
      batchSize: 2,
      thumbnails: { video: false, frames: false },
      clock: new StageClock(),
      async consume(video) {
        if (video.job.id === "c") throw new Error("disk full");
        await new Promise((resolve) => setTimeout(resolve, 20));
        settled.push(video.job.id);
      },
    });
    await expect(run).rejects.toThrow("disk full");
    expect(settled).toEqual(["a"]);
  });
});

// Toy videos encoded by the WASM ffmpeg core (what `npm start` uses without native ffmpeg): both
// decoders read them back frame for frame, the pixels are the drawn ones, and the toy model still
// ranks each video first for its captions and finds the scene of a scene-change video.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregateFrames } from "../../shared/aggregate.ts";
import { preprocessFrame } from "../../shared/image/preprocess.ts";
import { dot } from "../../shared/vectors.ts";
import { decodeVideoFrames } from "../decode/decode-video.ts";
import type { DecodedFrame } from "../decode/decoded-frame.ts";
import { hasNativeFfmpeg } from "../decode/ffmpeg-native.ts";
import { resolveModelDir } from "../embed/model-dir.ts";
import { loadImageEncoder, loadTextEncoder } from "../embed/onnx-runtime.ts";
import { drawToyFrame } from "./toy-draw.ts";
import { encodeRgbFrames } from "./toy-encode.ts";
import { writeToyModel } from "./toy-model.ts";
import { objectAt, TOY_VIDEO_FPS, TOY_VIDEO_HEIGHT, TOY_VIDEO_WIDTH, toyQueries } from "./toy-video-plan.ts";
import { type ToyVideosSummary, writeToyVideos } from "./toy-videos.ts";

const decoders = hasNativeFfmpeg() ? (["native", "wasm"] as const) : (["wasm"] as const);

let dir: string;
let set: ToyVideosSummary;
/** Every decoded frame of each video (WASM decoder), in plan order. */
let decoded: DecodedFrame[][];

function argmax(values: number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

async function decodeAll(path: string, decoder: "native" | "wasm"): Promise<DecodedFrame[]> {
  const frames: DecodedFrame[] = [];
  for await (const frame of decodeVideoFrames(path, { sampling: { kind: "all" }, decoder }))
    frames.push(frame);
  return frames;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "toy-encode-"));
  // Three videos: two single-scene, one scene change (the plan makes a third of them change scene).
  set = await writeToyVideos(join(dir, "set"), { count: 3, seed: 5, encoder: "wasm" });
  decoded = [];
  for (const plan of set.plans) decoded.push(await decodeAll(join(dir, "set", plan.path), "wasm"));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("toy videos encoded with the WASM core", () => {
  it.each(decoders)("decode (%s) to the planned frames, size and timestamps", async (decoder) => {
    for (const [v, plan] of set.plans.entries()) {
      const frames = decoder === "wasm" ? decoded[v] : await decodeAll(join(dir, "set", plan.path), decoder);
      const count = plan.durationSec * TOY_VIDEO_FPS;
      expect(frames.map((f) => f.timestampSec)).toEqual(
        Array.from({ length: count }, (_, i) => i / TOY_VIDEO_FPS),
      );
      for (const frame of frames)
        expect([frame.width, frame.height]).toEqual([TOY_VIDEO_WIDTH, TOY_VIDEO_HEIGHT]);
      // Both decoders give the same pixels (the decode module's contract), here on WASM-encoded files.
      if (decoder === "native") {
        const same = frames.map((f, i) => Buffer.from(f.rgb).equals(decoded[v][i].rgb));
        expect(same).toEqual(frames.map(() => true));
      }
    }
  });

  it("holds the drawn pictures (H.264 at crf 18: small error)", () => {
    for (const [v, plan] of set.plans.entries()) {
      for (const frame of decoded[v]) {
        const drawn = drawToyFrame(
          TOY_VIDEO_WIDTH,
          TOY_VIDEO_HEIGHT,
          plan.grey,
          objectAt(plan, frame.timestampSec),
        );
        let error = 0;
        for (let i = 0; i < drawn.length; i++) error += Math.abs(drawn[i] - frame.rgb[i]);
        // Mean absolute error per channel value, out of 255; a wrong or shifted frame is far above it.
        expect(error / drawn.length).toBeLessThan(3);
      }
    }
  });

  it("are ranked first for their captions and found at their scene by the toy model", async () => {
    await writeToyModel(join(dir, "model"), { seed: 7 });
    const model = resolveModelDir(join(dir, "model"));
    const text = (await loadTextEncoder(model, { threads: 1 })).encoder;
    const image = (await loadImageEncoder(model, { threads: 1 })).encoder;
    const { preprocess } = model.config;
    // One frame per second, as toy-retrieval.test.ts.
    const videos: { id: string; frames: { timeSec: number; vector: Float32Array }[]; mean: Float32Array }[] =
      [];
    for (const [v, plan] of set.plans.entries()) {
      const picked = decoded[v].filter((frame) => frame.index % TOY_VIDEO_FPS === 0);
      const pixels = new Float32Array(picked.length * image.imageLength);
      picked.forEach(({ rgb }, i) => {
        pixels.set(
          preprocessFrame(rgb, TOY_VIDEO_WIDTH, TOY_VIDEO_HEIGHT, preprocess),
          i * image.imageLength,
        );
      });
      const vectors = await image.encode(pixels, picked.length);
      videos.push({
        id: plan.id,
        frames: vectors.map((vector, i) => ({ timeSec: picked[i].timestampSec, vector })),
        mean: aggregateFrames({ kind: "mean" }, vectors)[0],
      });
    }
    const queries = toyQueries(set.plans);
    expect(queries.filter((q) => q.startSec !== undefined)).toHaveLength(2);
    const { vectors } = await text.encode(queries.map((q) => q.query));
    queries.forEach((query, i) => {
      if (query.startSec === undefined) {
        const best = videos[argmax(videos.map((video) => dot(vectors[i], video.mean)))];
        expect({ query: query.query, id: best.id }).toEqual({ query: query.query, id: query.videoId });
        return;
      }
      const all = videos.flatMap((video) => video.frames.map((frame) => ({ id: video.id, frame })));
      const best = all[argmax(all.map(({ frame }) => dot(vectors[i], frame.vector)))];
      expect({ query: query.query, id: best.id }).toEqual({ query: query.query, id: query.videoId });
      expect(best.frame.timeSec).toBeGreaterThanOrEqual(query.startSec);
      expect(best.frame.timeSec).toBeLessThan(query.endSec!);
    });
  });

  it("refuses frames of the wrong size", async () => {
    await expect(
      encodeRgbFrames(join(dir, "bad.mp4"), [new Uint8Array(5)], {
        width: 2,
        height: 2,
        fps: 1,
        encoder: "wasm",
      }),
    ).rejects.toThrow(RangeError);
  });
});

// End to end on the toy world: the toy model ranks each synthetic video first for its captions, and a
// scene-change video's per-second frames switch caption at the scene boundary. Real ffmpeg and ORT.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { aggregateFrames } from "../../shared/aggregate.ts";
import { preprocessFrame } from "../../shared/image/preprocess.ts";
import type { ClipTextEncoder } from "../../shared/model/text-encoder.ts";
import { dot } from "../../shared/vectors.ts";
import { decodeVideoFrames } from "../decode/decode-video.ts";
import { resolveModelDir } from "../embed/model-dir.ts";
import { loadImageEncoder, loadTextEncoder } from "../embed/onnx-runtime.ts";
import { writeToyModel } from "./toy-model.ts";
import {
  TOY_VIDEO_FPS,
  TOY_VIDEO_HEIGHT,
  TOY_VIDEO_WIDTH,
  type ToyQuery,
  type ToyVideoPlan,
} from "./toy-video-plan.ts";
import { writeToyVideos } from "./toy-videos.ts";

/** Every STEP-th frame is decoded and embedded: one per second, on whole seconds (scenes last >= 2 s). */
const STEP = TOY_VIDEO_FPS;

interface EmbeddedVideo {
  plan: ToyVideoPlan;
  /** Per embedded frame, L2-normalized, with its time in seconds. */
  frames: { timeSec: number; vector: Float32Array }[];
  /** Mean aggregation (the paper's default video vector). */
  mean: Float32Array;
}

let dir: string;
let videos: EmbeddedVideo[];
let text: ClipTextEncoder;
let queries: ToyQuery[];

function argmax(values: number[]): number {
  return values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "toy-retrieval-"));
  await writeToyModel(join(dir, "model"), { seed: 7 });
  const set = await writeToyVideos(join(dir, "set"), { seed: 3 });
  queries = JSON.parse(await readFile(join(dir, "set", "queries.json"), "utf8"));

  const model = resolveModelDir(join(dir, "model"));
  text = (await loadTextEncoder(model, { threads: 1 })).encoder;
  const image = (await loadImageEncoder(model, { threads: 1 })).encoder;
  const { preprocess } = model.config;
  videos = [];
  for (const plan of set.plans) {
    const indices = Array.from({ length: (plan.durationSec * TOY_VIDEO_FPS) / STEP }, (_, i) => i * STEP);
    const picked: { rgb: Uint8Array; timeSec: number }[] = [];
    for await (const frame of decodeVideoFrames(join(dir, "set", plan.path), {
      sampling: { kind: "frames", indices },
      decoder: "native",
    })) {
      expect([frame.width, frame.height]).toEqual([TOY_VIDEO_WIDTH, TOY_VIDEO_HEIGHT]);
      picked.push({ rgb: frame.rgb, timeSec: frame.timestampSec });
    }
    expect(picked.map((p) => p.timeSec)).toEqual(indices.map((i) => i / TOY_VIDEO_FPS));
    const pixels = new Float32Array(picked.length * image.imageLength);
    picked.forEach(({ rgb }, i) => {
      pixels.set(preprocessFrame(rgb, TOY_VIDEO_WIDTH, TOY_VIDEO_HEIGHT, preprocess), i * image.imageLength);
    });
    const vectors = await image.encode(pixels, picked.length);
    videos.push({
      plan,
      frames: vectors.map((vector, i) => ({ timeSec: picked[i].timeSec, vector })),
      mean: aggregateFrames({ kind: "mean" }, vectors)[0],
    });
  }
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("toy model on toy videos", () => {
  it("ranks the matching video first for every caption (mean of frames)", async () => {
    const captions = videos.flatMap((video, v) => video.plan.captions.map((caption) => ({ caption, v })));
    expect(captions).toHaveLength(24);
    const { vectors } = await text.encode(captions.map((c) => c.caption));
    const misses = captions.filter(
      ({ v }, i) => argmax(videos.map((video) => dot(vectors[i], video.mean))) !== v,
    );
    expect(misses).toEqual([]);
  });

  it("finds each scene of a scene-change video at its moment", async () => {
    const moments = queries.filter((q) => q.startSec !== undefined);
    expect(moments).toHaveLength(8);
    const { vectors } = await text.encode(moments.map((q) => q.query));
    const all = videos.flatMap((video) => video.frames.map((frame) => ({ id: video.plan.id, frame })));
    moments.forEach((query, i) => {
      const best = all[argmax(all.map(({ frame }) => dot(vectors[i], frame.vector)))];
      expect({ query: query.query, id: best.id }).toEqual({ query: query.query, id: query.videoId });
      expect(best.frame.timeSec).toBeGreaterThanOrEqual(query.startSec!);
      expect(best.frame.timeSec).toBeLessThan(query.endSec!);
    });
  });

  it("switches a scene-change video's per-second frames between its scene captions at the boundary", async () => {
    const changing = videos.filter((video) => video.plan.scenes.length === 2);
    expect(changing).toHaveLength(4);
    for (const video of changing) {
      const { vectors } = await text.encode(video.plan.scenes.map((scene) => scene.caption));
      const boundary = video.plan.scenes[1].startSec;
      for (let second = 0; second < video.plan.durationSec; second++) {
        const frame = video.frames.find((f) => f.timeSec === second)!.vector;
        const nearer = argmax(vectors.map((caption) => dot(caption, frame)));
        expect({ video: video.plan.id, second, scene: nearer }).toEqual({
          video: video.plan.id,
          second,
          scene: second < boundary ? 0 : 1,
        });
      }
    }
  });
});

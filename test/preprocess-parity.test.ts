// CLIP preprocessing against ../shared/reference/preprocess (a Pillow/torchvision reference): each
// case's PNG -> tensor must match its .npy, and the video frame it was taken from must decode to the
// PNG's exact pixels, with the native ffmpeg and with the WASM core.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { decodeVideoFrames } from "../indexer/decode/decode-video.ts";
import type { DecodedFrame } from "../indexer/decode/decoded-frame.ts";
import { hasNativeFfmpeg } from "../indexer/decode/ffmpeg-native.ts";
import { preprocessFrame } from "../shared/image/preprocess.ts";
import { npyToFloat32, parseNpy } from "../shared/npy.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "./shared-data.ts";

interface Case {
  png: string;
  npy: string;
  video: string;
  frame_index: number;
}

const decoders = hasNativeFfmpeg() ? (["native", "wasm"] as const) : (["wasm"] as const);

/** One frame of a video, or the single frame of a PNG (ffmpeg reads images as 1-frame videos). */
async function decodeFrame(path: string, index: number, decoder: "native" | "wasm"): Promise<DecodedFrame> {
  for await (const frame of decodeVideoFrames(path, {
    sampling: { kind: "frames", indices: [index] },
    decoder,
  }))
    return frame;
  throw new Error(`${path} has no frame ${index}`);
}

function absDiff(a: Float32Array, b: Float32Array) {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

describe.skipIf(!hasSharedData)(
  `preprocessing parity ${hasSharedData ? "" : SHARED_DATA_SKIP_REASON}`,
  async () => {
    const dir = sharedPath("reference", "preprocess");
    const manifest = hasSharedData
      ? (JSON.parse(await readFile(`${dir}/manifest.json`, "utf8")) as { cases: Case[] })
      : { cases: [] };

    describe.each(manifest.cases)("$png (frame $frame_index of $video)", (c) => {
      it.each(decoders)("%s: PNG -> tensor equals the reference .npy", async (decoder) => {
        const png = await decodeFrame(`${dir}/${c.png}`, 0, decoder);
        const reference = npyToFloat32(parseNpy(new Uint8Array(await readFile(`${dir}/${c.npy}`))));
        const tensor = preprocessFrame(png.rgb, png.width, png.height);
        expect(tensor.length).toBe(reference.length);
        const diff = absDiff(tensor, reference);
        // The bar is mean <= 0.01 and max <= 0.1; the implementation is bit-exact, so hold it to that.
        expect(diff).toEqual({ mean: 0, max: 0 });
      });

      it.each(decoders)("%s: the video frame decodes to the PNG's exact pixels", async (decoder) => {
        const png = await decodeFrame(`${dir}/${c.png}`, 0, decoder);
        const frame = await decodeFrame(sharedPath(c.video), c.frame_index, decoder);
        expect([frame.index, frame.width, frame.height]).toEqual([c.frame_index, png.width, png.height]);
        expect(Buffer.compare(frame.rgb, png.rgb)).toBe(0);
      });
    });
  },
);

// The JPEG encoder against decoders the project did not write (ffmpeg's, native and WebAssembly): valid
// file, right size, pixels within a stated PSNR of the source, on a seeded image and on real video frames.
import { describe, expect, it } from "vitest";
import { createPrng } from "../../shared/prng.ts";
import { hasSharedData, SHARED_DATA_SKIP_REASON, sharedPath } from "../../test/shared-data.ts";
import { decodeVideoFrames } from "./decode-video.ts";
import { hasNativeFfmpeg, runNative } from "./ffmpeg-native.ts";
import { runWasmOnBytes } from "./ffmpeg-wasm.ts";
import { encodeJpeg, loadJpegEncoder } from "./jpeg-encode.ts";
import { resizeRgbArea } from "./resize-area.ts";
import { thumbnailSize } from "./thumbnail.ts";

/** A smooth seeded test image with an edge (odd size: partial 8x8 blocks and chroma pairs on both axes). */
function testImage(width: number, height: number): Uint8Array {
  const random = createPrng(3);
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      rgb[p] = (x * 255) / width;
      rgb[p + 1] = x > width / 2 ? 230 : 20;
      rgb[p + 2] = (y * 255) / height + random.next() * 8;
    }
  return rgb;
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let squared = 0;
  for (let i = 0; i < a.length; i++) squared += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (squared / a.length));
}

const TO_RGB24 = ["-f", "rawvideo", "-pix_fmt", "rgb24"];

/** `jpeg` decoded to rgb24 by ffmpeg: native when on PATH, and always its WebAssembly build. */
async function decodeWithFfmpeg(jpeg: Uint8Array): Promise<{ decoder: string; rgb: Uint8Array }[]> {
  const wasm = await runWasmOnBytes(
    jpeg,
    (input, output) => ["-v", "error", "-i", input, ...TO_RGB24, output],
    ".rgb",
  );
  expect(wasm.code).toBe(0);
  const decoded = [{ decoder: "wasm", rgb: wasm.output ?? new Uint8Array() }];
  if (hasNativeFfmpeg()) {
    const native = await runNative(
      "ffmpeg",
      ["-v", "error", "-f", "jpeg_pipe", "-i", "pipe:0", ...TO_RGB24, "pipe:1"],
      jpeg,
    );
    expect(native.stderr).toBe("");
    decoded.push({ decoder: "native", rgb: native.stdout });
  }
  return decoded;
}

describe("loadJpegEncoder", () => {
  // First in the file, so that the encoder is not loaded yet when the bad path is tried.
  it("refuses a missing codec in one line, keeps no failed load, and loads on the next call", async () => {
    const error = await loadJpegEncoder("/no/such/mozjpeg_enc.wasm").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "jpeg_encoder_unavailable" });
    expect((error as Error).message).toMatch(/could not be loaded: .*ENOENT.*; reinstall with npm ci$/);
    expect((error as Error).message).not.toContain("\n");
    await loadJpegEncoder();
    const jpeg = await encodeJpeg(new Uint8Array([255, 0, 0]), 1, 1);
    expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
  });
});

describe("encodeJpeg", () => {
  const width = 61;
  const height = 35;
  const rgb = testImage(width, height);

  it("is deterministic and starts/ends with SOI/EOI; lower quality, fewer bytes", async () => {
    const jpeg = await encodeJpeg(rgb, width, height);
    expect([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(await encodeJpeg(rgb, width, height)).toEqual(jpeg);
    expect((await encodeJpeg(rgb, width, height, 30)).length).toBeLessThan(jpeg.length);
  });

  it.each([
    [50, 30],
    [85, 30],
    [100, 40],
  ])("at quality %i decodes (ffmpeg) to the same size, PSNR > %i dB", async (quality, minPsnrDb) => {
    for (const { decoder, rgb: back } of await decodeWithFfmpeg(
      await encodeJpeg(rgb, width, height, quality),
    )) {
      expect(back.length, decoder).toBe(width * height * 3);
      expect(psnr(back, rgb), decoder).toBeGreaterThan(minPsnrDb);
    }
  });

  it.skipIf(!hasSharedData)(
    `thumbnails of real video frames decode within 30 dB PSNR (${hasSharedData ? "../shared/videos" : SHARED_DATA_SKIP_REASON})`,
    async () => {
      for (const video of ["vid1.mp4", "vid2.mp4"])
        for await (const frame of decodeVideoFrames(sharedPath("videos", video), {
          sampling: { kind: "uniform", count: 2 },
          decoder: "wasm",
        })) {
          const size = thumbnailSize(frame.width, frame.height, 256);
          const small = resizeRgbArea(frame.rgb, frame.width, frame.height, size.width, size.height);
          for (const { decoder, rgb: back } of await decodeWithFfmpeg(
            await encodeJpeg(small, size.width, size.height),
          )) {
            expect(back.length, decoder).toBe(small.length);
            expect(psnr(back, small), `${video} frame ${frame.index} (${decoder})`).toBeGreaterThan(30);
          }
        }
    },
  );

  it("rejects a buffer of the wrong size", async () => {
    await expect(encodeJpeg(new Uint8Array(5), 2, 2)).rejects.toThrow(RangeError);
    await expect(encodeJpeg(new Uint8Array(0), 0, 0)).rejects.toThrow(RangeError);
  });
});

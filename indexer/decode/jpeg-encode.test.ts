// The in-process JPEG encoder against a real decoder (ffmpeg's): valid file, right size, faithful pixels.
import { describe, expect, it } from "vitest";
import { createPrng } from "../../shared/prng.ts";
import { hasNativeFfmpeg, runNative } from "./ffmpeg-native.ts";
import { encodeJpeg } from "./jpeg-encode.ts";

/** A smooth seeded test image with an edge (odd size: partial 8x8 blocks on both axes). */
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

describe("encodeJpeg", () => {
  const width = 61;
  const height = 35;
  const rgb = testImage(width, height);

  it("is deterministic and starts/ends with SOI/EOI", () => {
    const jpeg = encodeJpeg(rgb, width, height);
    expect([jpeg[0], jpeg[1], jpeg.at(-2), jpeg.at(-1)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    expect(encodeJpeg(rgb, width, height)).toEqual(jpeg);
    expect(encodeJpeg(rgb, width, height, 30).length).toBeLessThan(jpeg.length);
  });

  it.skipIf(!hasNativeFfmpeg())("decodes (ffmpeg) to the same size and close pixels", async () => {
    for (const quality of [50, 85, 100]) {
      const jpeg = encodeJpeg(rgb, width, height, quality);
      const args = [
        "-v",
        "error",
        "-f",
        "jpeg_pipe",
        "-i",
        "pipe:0",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "pipe:1",
      ];
      const decoded = await runNative("ffmpeg", args, jpeg);
      expect(decoded.stderr).toBe("");
      expect(decoded.stdout.length).toBe(width * height * 3);
      expect(psnr(decoded.stdout, rgb)).toBeGreaterThan(quality === 100 ? 40 : 30);
    }
  });

  it("rejects a buffer of the wrong size", () => {
    expect(() => encodeJpeg(new Uint8Array(5), 2, 2)).toThrow(RangeError);
    expect(() => encodeJpeg(new Uint8Array(0), 0, 0)).toThrow(RangeError);
  });
});

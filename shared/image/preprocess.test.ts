// Pure checks of the CLIP preprocessing geometry and arithmetic; bit-exact parity with the
// Pillow/torchvision reference on real frames is in test/preprocess-parity.test.ts.
import { describe, expect, it } from "vitest";
import { createPrng } from "../prng.ts";
import { resizeBicubicRgb } from "./pil-resample.ts";
import { CLIP_PREPROCESS, centerCropOffsets, preprocessFrame, resizedSize } from "./preprocess.ts";

describe("resizedSize", () => {
  it.each([
    [640, 360, { width: 398, height: 224 }],
    [360, 640, { width: 224, height: 398 }],
    [320, 240, { width: 298, height: 224 }],
    [224, 224, { width: 224, height: 224 }],
    [100, 50, { width: 448, height: 224 }],
  ])("%ix%i -> %j (longer side truncated)", (width, height, expected) => {
    expect(resizedSize(width, height, 224)).toEqual(expected);
  });
});

describe("centerCropOffsets", () => {
  it.each([
    [398, 224, { left: 87, top: 0 }],
    // Python's round(): 37.5 -> 38, 36.5 -> 36 (halves to even), as torchvision's center_crop.
    [299, 224, { left: 38, top: 0 }],
    [297, 224, { left: 36, top: 0 }],
    [224, 301, { left: 0, top: 38 }],
  ])("%ix%i -> %j", (width, height, expected) => {
    expect(centerCropOffsets(width, height, 224)).toEqual(expected);
  });
});

/** Element-wise equality without vitest's slow deep diff of large typed arrays. */
function same(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function solid(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) out.set(rgb, i * 3);
  return out;
}

describe("resizeBicubicRgb", () => {
  it.each([
    [640, 360, 398, 224],
    [160, 120, 298, 224],
    [7, 5, 3, 9],
  ])("keeps a solid color solid (%ix%i -> %ix%i)", (w, h, outW, outH) => {
    const out = resizeBicubicRgb(solid(w, h, [10, 128, 250]), w, h, outW, outH);
    expect(out.length).toBe(outW * outH * 3);
    expect(same(out, solid(outW, outH, [10, 128, 250]))).toBe(true);
  });

  it.each([
    [64, 36, 40, 22, { left: 9, top: 0, width: 22, height: 22 }],
    [30, 40, 45, 60, { left: 3, top: 20, width: 40, height: 30 }],
    [30, 40, 30, 20, { left: 5, top: 2, width: 20, height: 10 }],
    [30, 40, 12, 40, { left: 1, top: 7, width: 10, height: 30 }],
  ])("a window of %ix%i -> %ix%i equals the same crop of the full result", (w, h, outW, outH, window) => {
    const prng = createPrng(7);
    const input = Uint8Array.from({ length: w * h * 3 }, () => prng.nextInt(256));
    const full = resizeBicubicRgb(input, w, h, outW, outH);
    const expected = new Uint8Array(window.width * window.height * 3);
    for (let y = 0; y < window.height; y++) {
      const start = ((y + window.top) * outW + window.left) * 3;
      expected.set(full.subarray(start, start + window.width * 3), y * window.width * 3);
    }
    expect(same(resizeBicubicRgb(input, w, h, outW, outH, window), expected)).toBe(true);
  });

  it("returns a copy when the size does not change", () => {
    const input = solid(3, 2, [1, 2, 3]);
    const out = resizeBicubicRgb(input, 3, 2, 3, 2);
    expect(out).toEqual(input);
    expect(out).not.toBe(input);
  });

  it("clips the cubic kernel's overshoot at a hard edge to 0..255 and keeps mirror symmetry", () => {
    // A 0 | 255 step upscaled: the a = -0.5 kernel rings below 0 and above 255 next to the edge.
    const w = 8;
    const row = new Uint8Array(w * 3);
    for (let x = w / 2; x < w; x++) row.set([255, 255, 255], x * 3);
    const out = resizeBicubicRgb(row, w, 1, 20, 1);
    const red = Array.from({ length: 20 }, (_, x) => out[x * 3]);
    expect(red.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(red.slice(-6)).toEqual([255, 255, 255, 255, 255, 255]);
    for (let x = 0; x < 20; x++) expect(red[x] + red[19 - x]).toBe(255);
  });

  it("rejects a buffer of the wrong size", () => {
    expect(() => resizeBicubicRgb(new Uint8Array(5), 2, 1, 1, 1)).toThrow(RangeError);
  });
});

describe("preprocessFrame", () => {
  it("returns [3,224,224] planes normalized as float32 (v / 255 - mean) / std", () => {
    const tensor = preprocessFrame(solid(320, 240, [0, 128, 255]), 320, 240);
    expect(tensor.length).toBe(3 * 224 * 224);
    const f32 = Math.fround;
    const expected = [0, 128, 255].map((v, c) =>
      f32(f32(f32(v / 255) - f32(CLIP_PREPROCESS.mean[c])) / f32(CLIP_PREPROCESS.std[c])),
    );
    for (let c = 0; c < 3; c++) {
      const plane = tensor.subarray(c * 224 * 224, (c + 1) * 224 * 224);
      expect(plane.every((v) => v === expected[c])).toBe(true);
    }
    expect(expected[0]).toBeCloseTo(-1.7922625, 6);
  });

  it("crops the center: a frame whose sides differ only in the cropped-off margins gives the same tensor", () => {
    // 398x224 needs no resize; columns 0..86 and 311..397 are cropped off.
    const a = solid(398, 224, [50, 60, 70]);
    const b = a.slice();
    for (let y = 0; y < 224; y++) {
      for (const x of [0, 86, 311, 397]) b.set([255, 0, 255], (y * 398 + x) * 3);
    }
    expect(same(preprocessFrame(b, 398, 224), preprocessFrame(a, 398, 224))).toBe(true);
    b.set([255, 0, 255], (100 * 398 + 87) * 3);
    expect(same(preprocessFrame(b, 398, 224), preprocessFrame(a, 398, 224))).toBe(false);
  });

  it("takes sizes and statistics from the config", () => {
    const config = { shortestEdge: 32, cropSize: 16, mean: [0, 0, 0], std: [1, 1, 1] } as const;
    const tensor = preprocessFrame(solid(64, 48, [255, 0, 51]), 64, 48, config);
    expect(tensor.length).toBe(3 * 16 * 16);
    expect([tensor[0], tensor[256], tensor[512]]).toEqual([1, 0, Math.fround(0.2)]);
    expect(() => preprocessFrame(solid(64, 48, [0, 0, 0]), 64, 48, { ...config, cropSize: 40 })).toThrow(
      /larger than the resized image/,
    );
  });
});

// Area downscaling: exact means over covered source pixels, fractional overlaps weighted.
import { describe, expect, it } from "vitest";
import { resizeRgbArea } from "./resize-area.ts";

/** A grey image (r = g = b) from one value per pixel. */
function grey(values: number[]): Uint8Array {
  return Uint8Array.from(values.flatMap((v) => [v, v, v]));
}

describe("resizeRgbArea", () => {
  it.each([
    ["2x2 -> 1x1: the mean", [10, 20, 30, 40], [2, 2, 1, 1], [25]],
    ["4x1 -> 2x1: pairs", [0, 100, 200, 250], [4, 1, 2, 1], [50, 225]],
    // 3 -> 2: output 0 covers pixel 0 and half of pixel 1, output 1 the other half and pixel 2.
    ["3x1 -> 2x1: fractional overlap", [0, 90, 180], [3, 1, 2, 1], [30, 150]],
    ["1x3 -> 1x2: same along y", [0, 90, 180], [1, 3, 1, 2], [30, 150]],
    ["same size: a copy", [1, 2, 3, 4], [2, 2, 2, 2], [1, 2, 3, 4]],
  ])("%s", (_name, values, [w, h, ow, oh], expected) => {
    expect(resizeRgbArea(grey(values), w, h, ow, oh)).toEqual(grey(expected));
  });

  it("keeps channels apart", () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0]);
    expect(Array.from(resizeRgbArea(rgb, 2, 1, 1, 1))).toEqual([128, 128, 0]);
  });

  it("refuses to upscale", () => {
    expect(() => resizeRgbArea(grey([1]), 1, 1, 2, 1)).toThrow(RangeError);
  });
});

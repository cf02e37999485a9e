// Pins float16 conversion: exhaustive round trip, ties to even at every midpoint, values from numpy.
import { describe, expect, it } from "vitest";
import {
  float16BitsToFloat32,
  float16ToFloat32Array,
  float32ToFloat16Array,
  float32ToFloat16Bits,
} from "./float16.ts";

const isNaNBits = (h: number) => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

describe("float16", () => {
  it("round-trips all 65536 bit patterns (NaNs stay NaN)", () => {
    for (let h = 0; h < 65536; h++) {
      const value = float16BitsToFloat32(h);
      if (isNaNBits(h)) {
        expect(Number.isNaN(value)).toBe(true);
        expect(isNaNBits(float32ToFloat16Bits(value))).toBe(true);
      } else if (float32ToFloat16Bits(value) !== h) {
        expect.fail(`bits 0x${h.toString(16)} -> ${value} -> 0x${float32ToFloat16Bits(value).toString(16)}`);
      }
    }
  });

  it("rounds every midpoint between neighbours to the even one, and just off it to the nearer", () => {
    for (let h = 0; h < 0x7bff; h++) {
      const low = float16BitsToFloat32(h);
      const high = float16BitsToFloat32(h + 1);
      const middle = (low + high) / 2; // exact in float32: halves have 11 significant bits
      const even = h % 2 === 0 ? h : h + 1;
      const got = float32ToFloat16Bits(middle);
      const gap = high - low;
      if (
        got !== even ||
        float32ToFloat16Bits(middle - gap / 8) !== h ||
        float32ToFloat16Bits(middle + gap / 8) !== h + 1 ||
        float32ToFloat16Bits(-middle) !== (even | 0x8000)
      ) {
        expect.fail(
          `midpoint of 0x${h.toString(16)} and its successor rounds wrongly (got 0x${got.toString(16)})`,
        );
      }
    }
  });

  // Computed with numpy: np.array([x], np.float32).astype(np.float16).view(np.uint16)
  it.each([
    [0.1, 0x2e66],
    [1 / 3, 0x3555],
    [65504, 0x7bff],
    [65519.99, 0x7bff],
    [65520, 0x7c00],
    [1e5, 0x7c00],
    [1e-8, 0x0],
    [2.9802322387695312e-8, 0x0],
    [5.96e-8, 0x1],
    [6.1e-5, 0x3ff],
    [-2.5, 0xc100],
    [1 + 2 ** -11, 0x3c00],
    [1 + 3 * 2 ** -11, 0x3c02],
    [-0, 0x8000],
    [Number.POSITIVE_INFINITY, 0x7c00],
    [Number.NEGATIVE_INFINITY, 0xfc00],
  ])("converts %s like numpy (bits %i)", (value, bits) => {
    expect(float32ToFloat16Bits(value)).toBe(bits);
  });

  it("converts arrays both ways", () => {
    const values = Float32Array.of(0.5, -1.25, 3, 1e-3);
    const back = float16ToFloat32Array(float32ToFloat16Array(values));
    expect(Array.from(back)).toEqual([0.5, -1.25, 3, float16BitsToFloat32(float32ToFloat16Bits(1e-3))]);
    expect(Math.abs(back[3] - 1e-3)).toBeLessThan(1e-6);
  });
});

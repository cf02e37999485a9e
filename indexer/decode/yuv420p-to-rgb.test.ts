// Arithmetic checks of the yuv420p -> rgb24 conversion; its bit-exactness with x86 ffmpeg on real
// video is checked in test/preprocess-parity.test.ts (decoded frames equal the reference PNGs).
import { describe, expect, it } from "vitest";
import { canConvertInJs, yuv420pFrameBytes, yuv420pToRgb } from "./yuv420p-to-rgb.ts";

/** A packed yuv420p frame with one Y value per pixel and one U, V per 2x2 block. */
function frame(_width: number, _height: number, y: number[], u: number[], v: number[]): Uint8Array {
  return Uint8Array.from([...y, ...u, ...v]);
}

describe("yuv420pToRgb", () => {
  it("maps limited-range black and white to 0 and 255", () => {
    const yuv = frame(2, 1, [16, 235], [128], [128]);
    expect(Array.from(yuv420pToRgb(yuv, 2, 1, "bt709"))).toEqual([0, 0, 0, 255, 255, 255]);
  });

  it("uses one chroma sample per 2x2 block (odd sizes round up)", () => {
    // 3x2: chroma 2x1; pixel 2 reads the second chroma sample (pure red in bt709).
    const yuv = frame(3, 2, [81, 81, 63, 81, 81, 63], [128, 102], [128, 240]);
    const rgb = yuv420pToRgb(yuv, 3, 2, "bt709");
    expect(Array.from(rgb.subarray(0, 3))).toEqual(Array.from(rgb.subarray(3, 6)));
    const red = Array.from(rgb.subarray(6, 9));
    expect(red[0]).toBeGreaterThan(250);
    expect(red[1]).toBeLessThan(5);
    expect(red[2]).toBeLessThan(5);
  });

  it("differs between the BT.709 and BT.601 matrices for colors, not for grays", () => {
    const gray = frame(2, 2, [100, 100, 100, 100], [128], [128]);
    expect(yuv420pToRgb(gray, 2, 2, "bt709")).toEqual(yuv420pToRgb(gray, 2, 2, "unknown"));
    const color = frame(2, 2, [100, 100, 100, 100], [90], [170]);
    expect(yuv420pToRgb(color, 2, 2, "bt709")).not.toEqual(yuv420pToRgb(color, 2, 2, "smpte170m"));
  });

  it("rejects a buffer of the wrong size", () => {
    expect(() => yuv420pToRgb(new Uint8Array(5), 2, 2, "bt709")).toThrow(RangeError);
  });
});

describe("canConvertInJs / yuv420pFrameBytes", () => {
  it.each([
    ["yuv420p", "tv", "bt709", true],
    ["yuv420p", "unknown", "unknown", true],
    ["yuv420p", "tv", "bt470bg", true],
    ["yuvj420p", "pc", "bt470bg", false],
    ["yuv420p", "pc", "bt709", false],
    ["yuv420p", "tv", "bt2020nc", false],
    ["yuv422p", "tv", "bt709", false],
    ["yuv420p10le", "tv", "bt709", false],
  ])("%s %s %s -> %s", (format, range, space, expected) => {
    expect(canConvertInJs(format, range, space)).toBe(expected);
  });

  it("counts unpadded planes", () => {
    expect(yuv420pFrameBytes(640, 360)).toBe(345_600);
    expect(yuv420pFrameBytes(3, 3)).toBe(9 + 2 * 4);
  });
});

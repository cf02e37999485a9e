// Moment windows (half-overlapping) and their mean vectors.
import { describe, expect, it } from "vitest";
import { segmentVectors, segmentWindows } from "./segments.ts";

describe("segmentWindows", () => {
  it.each([
    [
      10,
      4,
      [
        [0, 4],
        [2, 6],
        [4, 8],
        [6, 10],
      ],
    ],
    [
      9,
      4,
      [
        [0, 4],
        [2, 6],
        [4, 8],
        [6, 9],
      ],
    ],
    [
      8,
      4,
      [
        [0, 4],
        [2, 6],
        [4, 8],
      ],
    ],
    [3, 4, [[0, 3]]],
    [4, 4, [[0, 4]]],
    [0, 4, [[0, 0]]],
  ])("duration %f s, window %f s", (duration, window, expected) => {
    expect(segmentWindows(duration, window).map((w) => [w.startSec, w.endSec])).toEqual(expected);
  });
});

describe("segmentVectors", () => {
  it("averages the frames of each window and normalizes", () => {
    const e = (i: number) => Float32Array.from([i === 0 ? 1 : 0, i === 1 ? 1 : 0]);
    // Frames at 0..5 s: the first half points along x, the second along y.
    const vectors = [e(0), e(0), e(0), e(1), e(1), e(1)];
    const times = [0, 1, 2, 3, 4, 5];
    const segments = segmentVectors(vectors, times, 6, 4);
    expect(segments.map((s) => [s.startSec, s.endSec])).toEqual([
      [0, 4],
      [2, 6],
    ]);
    // Window [0,4): 3 x-frames + 1 y-frame.
    expect(Array.from(segments[0].vector)).toEqual([3 / Math.sqrt(10), 1 / Math.sqrt(10)].map(Math.fround));
    // Last window [2,6] takes the frame at 5 s: 1 x + 3 y.
    expect(segments[1].vector[1]).toBeCloseTo(3 / Math.sqrt(10), 6);
  });

  it("gives a short video one segment", () => {
    const segments = segmentVectors([Float32Array.from([0, 2])], [0.5], 1, 4);
    expect(segments).toHaveLength(1);
    expect(Array.from(segments[0].vector)).toEqual([0, 1]);
  });
});

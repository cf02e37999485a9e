// Pins frame aggregation: the CLI spelling, frame selection and clamping, mean, k-means behaviour.
import { describe, expect, it } from "vitest";
import { aggregateFrames, formatAggregation, parseAggregation } from "./aggregate.ts";
import { InputError } from "./errors.ts";
import { kMeans } from "./kmeans.ts";
import { createPrng } from "./prng.ts";
import { l2Norm, l2Normalize } from "./vectors.ts";

/** `perCluster` noisy frames around each of `centers`, interleaved in time, seeded. */
function clusteredFrames(centers: number[][], perCluster: number, seed: number): Float32Array[] {
  const prng = createPrng(seed);
  const frames: Float32Array[] = [];
  for (let i = 0; i < perCluster; i++) {
    for (const center of centers)
      frames.push(Float32Array.from(center, (x) => x + (prng.next() - 0.5) * 0.1));
  }
  return frames;
}

const near = (a: Float32Array, b: ArrayLike<number>, tolerance = 0.05) =>
  Array.from(a).every((x, i) => Math.abs(x - b[i]) < tolerance);

describe("parseAggregation", () => {
  it.each([
    ["mean", { kind: "mean" }],
    [" mean ", { kind: "mean" }],
    ["frame:0", { kind: "frame", index: 0 }],
    ["frame:30", { kind: "frame", index: 30 }],
    ["kmeans:1", { kind: "kmeans", k: 1 }],
    ["kmeans:4", { kind: "kmeans", k: 4 }],
  ])("parses %j", (text, expected) => {
    expect(parseAggregation(text)).toEqual(expected);
    expect(formatAggregation(parseAggregation(text))).toBe(text.trim());
  });

  it.each([
    "",
    "Mean",
    "median",
    "frame",
    "frame:",
    "frame:-1",
    "frame:1.5",
    "kmeans:0",
    "kmeans:1025",
    "kmeans:x",
    "mean:2",
  ])("rejects %j with one line naming the spellings", (text) => {
    expect(() => parseAggregation(text)).toThrow(InputError);
    expect(() => parseAggregation(text)).toThrow(
      /^aggregation ".*" is not valid: use "mean", "frame:N".*"kmeans:K"/,
    );
  });
});

describe("aggregateFrames", () => {
  const frames = [Float32Array.of(2, 0), Float32Array.of(0, 1), Float32Array.of(3, 4)];

  it("frame:N returns that frame, normalized, and clamps to the last frame", () => {
    expect(aggregateFrames({ kind: "frame", index: 1 }, frames)).toEqual([Float32Array.of(0, 1)]);
    expect(aggregateFrames({ kind: "frame", index: 0 }, frames)).toEqual([Float32Array.of(1, 0)]);
    expect(aggregateFrames({ kind: "frame", index: 29 }, frames)).toEqual([
      l2Normalize(Float32Array.of(3, 4)),
    ]);
  });

  it("mean averages normalized frames, then normalizes (not the raw mean's direction)", () => {
    const [mean] = aggregateFrames({ kind: "mean" }, frames.slice(0, 2));
    expect(mean[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(mean[1]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it("handles a single frame with every aggregation", () => {
    const one = [Float32Array.of(0, 5)];
    for (const spec of ["mean", "frame:30", "kmeans:4"]) {
      expect(aggregateFrames(parseAggregation(spec), one)).toEqual([Float32Array.of(0, 1)]);
    }
  });

  it("rejects a video with no frames", () => {
    expect(() => aggregateFrames({ kind: "mean" }, [])).toThrow(InputError);
  });

  it("kmeans returns the frames themselves when k >= frames", () => {
    const out = aggregateFrames({ kind: "kmeans", k: 5 }, frames);
    expect(out).toEqual(frames.map((f) => l2Normalize(f)));
  });
});

describe("kMeans", () => {
  const centers = [
    [1, 0, 0, 0],
    [0, 1, 0, 0],
    [0, 0, 1, 0],
  ];
  const frames = clusteredFrames(centers, 10, 3).map((f) => l2Normalize(f));

  it("is deterministic for a seed", () => {
    expect(kMeans(frames, 3, 11)).toEqual(kMeans(frames, 3, 11));
    const random = clusteredFrames([[0, 0, 0, 0, 0, 0]], 40, 9).map((f) => l2Normalize(f));
    expect(kMeans(random, 4, 5)).toEqual(kMeans(random, 4, 5));
  });

  it.each([0, 1, 2, 3, 4])("finds well-separated clusters, ordered by first frame (seed %i)", (seed) => {
    const out = kMeans(frames, 3, seed);
    expect(out).toHaveLength(3);
    // Frames alternate cluster 0, 1, 2, so the first-frame order is the centers' order.
    out.forEach((centroid, i) => {
      expect(l2Norm(centroid)).toBeCloseTo(1, 6);
      expect(near(centroid, centers[i])).toBe(true);
    });
  });

  it("keeps k vectors when frames repeat (empty clusters are refilled deterministically)", () => {
    const a = Float32Array.of(1, 0);
    const b = Float32Array.of(0, 1);
    const repeated = [a, a, a, b, a, a];
    for (const seed of [0, 1, 2, 3]) {
      const out = kMeans(repeated, 3, seed);
      expect(out).toHaveLength(3);
      expect(out.every((v) => v.every(Number.isFinite))).toBe(true);
      expect(out.every((v) => near(v, a, 1e-6) || near(v, b, 1e-6))).toBe(true);
      expect(out.some((v) => near(v, b, 1e-6))).toBe(true);
      expect(kMeans(repeated, 3, seed)).toEqual(out);
    }
  });

  it("k = 1 is the normalized mean", () => {
    const [only] = kMeans(frames, 1, 0);
    const [mean] = aggregateFrames({ kind: "mean" }, frames);
    expect(near(only, mean, 1e-6)).toBe(true);
  });
});

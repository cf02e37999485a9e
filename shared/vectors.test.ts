// Pins the vector core: norms, dot/cosine, mean, row scoring, matrix product and partial top-k.
import { describe, expect, it } from "vitest";
import { createPrng } from "./prng.ts";
import {
  cosine,
  dot,
  findInvalidRow,
  l2Norm,
  l2Normalize,
  l2NormalizeInPlace,
  l2NormalizeRowsInPlace,
  meanVector,
  multiplyTransposed,
  scoreRows,
  topK,
} from "./vectors.ts";

function randomMatrix(seed: number, n: number, d: number): Float32Array {
  const prng = createPrng(seed);
  return Float32Array.from({ length: n * d }, () => prng.next() * 2 - 1);
}

describe("basic vector operations", () => {
  it("computes dot, norm and cosine", () => {
    const a = Float32Array.of(1, 2, 3, 4, 5);
    const b = Float32Array.of(-1, 0, 2, 1, 0.5);
    expect(dot(a, b)).toBeCloseTo(11.5, 10);
    expect(l2Norm(Float32Array.of(3, 4))).toBe(5);
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(0, 2))).toBe(0);
    expect(cosine(Float32Array.of(2, 2), Float32Array.of(1, 1))).toBeCloseTo(1, 7);
    expect(cosine(Float32Array.of(0, 0), Float32Array.of(1, 1))).toBe(0);
    expect(() => dot(a, Float32Array.of(1))).toThrow(RangeError);
  });

  it("normalizes to a copy or in place, leaving zeros as zeros", () => {
    const v = Float32Array.of(3, 4);
    const copy = l2Normalize(v);
    expect(Array.from(copy)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(v)).toEqual([3, 4]);
    expect(l2NormalizeInPlace(v)).toBe(v);
    expect(Array.from(v)).toEqual(Array.from(copy));
    expect(Array.from(l2Normalize(new Float32Array(3)))).toEqual([0, 0, 0]);
  });

  it("averages vectors", () => {
    expect(Array.from(meanVector([Float32Array.of(1, 2), Float32Array.of(3, 6)]))).toEqual([2, 4]);
    expect(() => meanVector([])).toThrow(RangeError);
    expect(() => meanVector([Float32Array.of(1), Float32Array.of(1, 2)])).toThrow(RangeError);
  });

  it("normalizes matrix rows and finds rows that cannot be normalized", () => {
    const m = Float32Array.of(3, 4, 0, 2);
    l2NormalizeRowsInPlace(m, 2);
    expect(Array.from(m)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 1]);
    expect(findInvalidRow(m, 2)).toBeNull();
    expect(findInvalidRow(Float32Array.of(1, 1, 0, 0, 1, 1), 2)).toEqual({ row: 1, reason: "zero" });
    expect(findInvalidRow(Float32Array.of(1, Number.NaN), 2)).toEqual({ row: 0, reason: "not finite" });
    expect(findInvalidRow(Float32Array.of(1, 1, Number.POSITIVE_INFINITY, 0), 2)).toEqual({
      row: 1,
      reason: "not finite",
    });
    expect(() => findInvalidRow(Float32Array.of(1, 2, 3), 2)).toThrow(RangeError);
  });
});

describe("scoreRows and multiplyTransposed", () => {
  it.each([1, 3, 4, 7, 32])("match a naive dot product for d = %i", (d) => {
    const n = 9;
    const matrix = randomMatrix(d, n, d);
    const query = randomMatrix(100 + d, 1, d);
    const scores = scoreRows(matrix, d, query);
    for (let r = 0; r < n; r++) {
      let naive = 0;
      for (let i = 0; i < d; i++) naive += matrix[r * d + i] * query[i];
      expect(scores[r]).toBeCloseTo(naive, 5);
    }
    const product = multiplyTransposed(query, matrix, d);
    // Same arithmetic in both: search and evaluation agree bit for bit.
    expect(Array.from(product)).toEqual(Array.from(scores));
  });

  it("writes into a caller's buffer and checks shapes", () => {
    const out = new Float32Array(4);
    expect(scoreRows(Float32Array.of(1, 0, 0, 1), 2, Float32Array.of(2, 3), out)).toBe(out);
    expect(Array.from(out)).toEqual([2, 3, 0, 0]);
    expect(() => scoreRows(Float32Array.of(1, 2, 3), 2, Float32Array.of(1, 1))).toThrow(RangeError);
    expect(() => scoreRows(Float32Array.of(1, 2), 2, Float32Array.of(1))).toThrow(RangeError);
    expect(() =>
      scoreRows(Float32Array.of(1, 2, 3, 4), 2, Float32Array.of(1, 1), new Float32Array(1)),
    ).toThrow(RangeError);
  });

  it("computes an [m, n] product", () => {
    const a = Float32Array.of(1, 0, 0, 1, 1, 1); // 3 x 2
    const b = Float32Array.of(2, 3, -1, 4); // 2 x 2
    expect(Array.from(multiplyTransposed(a, b, 2))).toEqual([2, -1, 3, 4, 5, 3]);
  });
});

describe("topK", () => {
  function fullSort(scores: Float32Array, k: number): number[] {
    return Array.from(scores.keys())
      .sort((i, j) => scores[j] - scores[i] || i - j)
      .slice(0, k);
  }

  it.each([0, 1, 3, 10, 50, 200])("equals a full sort for k = %i (with ties)", (k) => {
    const prng = createPrng(k + 1);
    // Few distinct values so that ties are frequent.
    const scores = Float32Array.from({ length: 100 }, () => prng.nextInt(12) / 4);
    expect(topK(scores, k)).toEqual(fullSort(scores, k));
  });

  it("puts NaN last and rejects a bad k", () => {
    expect(topK(Float32Array.of(Number.NaN, 1, Number.NaN, 2), 3)).toEqual([3, 1, 0]);
    expect(() => topK(Float32Array.of(1), -1)).toThrow(RangeError);
    expect(() => topK(Float32Array.of(1), 1.5)).toThrow(RangeError);
  });
});

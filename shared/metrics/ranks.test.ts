// Pins tie-averaged ranks and the rank summary (R@k, even-count median, population std).
import { describe, expect, it } from "vitest";
import { median, rankFromCounts, summarizeRanks, tieAveragedRank } from "./ranks.ts";

describe("tieAveragedRank", () => {
  it.each([
    ["best", 0.9, [0.9, 0.1, 0.5], 1],
    ["last", 0.1, [0.9, 0.1, 0.5], 3],
    ["tied with one other at the top", 0.9, [0.9, 0.9, 0.5], 1.5],
    ["all four equal", 0.3, [0.3, 0.3, 0.3, 0.3], 2.5],
    ["tied in the middle", 0.5, [0.9, 0.5, 0.5, 0.5, 0.1], 3],
  ])("%s", (_name, target, scores, expected) => {
    expect(tieAveragedRank(target, scores)).toBe(expected);
  });

  it("counts as 1 + higher + (equal - 1) / 2", () => {
    expect(rankFromCounts(0, 1)).toBe(1);
    expect(rankFromCounts(4, 3)).toBe(6);
  });
});

describe("summarizeRanks", () => {
  it("uses the mean of the two middle ranks for an even count", () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, 1, 3])).toBe(3);
    expect(summarizeRanks([1, 2, 10, 20]).MdR).toBe(6);
  });

  it("computes R@k in percent, mean and population std", () => {
    const m = summarizeRanks([1, 1, 2, 5, 6, 10, 11, 1.5]);
    expect(m.R1).toBe(25);
    expect(m.R5).toBe(62.5);
    expect(m.R10).toBe(87.5);
    expect(m.MnR).toBeCloseTo(37.5 / 8, 12);
    const mean = 37.5 / 8;
    const variance = [1, 1, 2, 5, 6, 10, 11, 1.5].reduce((s, r) => s + (r - mean) ** 2, 0) / 8;
    expect(m.StdR).toBeCloseTo(Math.sqrt(variance), 12);
    expect(summarizeRanks([3]).StdR).toBe(0);
  });

  it("rejects an empty list", () => {
    expect(() => summarizeRanks([])).toThrow(RangeError);
  });
});

// Figures: the scatter's seeded point sample, the length groups, and SVG output that is one <svg> element.
import { describe, expect, it } from "vitest";
import { lengthGroups, rankHistogramSvg, rankVersusLengthSvg, samplePoints } from "./figures.ts";

describe("figures", () => {
  it("samples at most max points, in input order, the same ones for the same seed", () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const a = samplePoints(items, 100, 3);
    expect(a).toHaveLength(100);
    expect(new Set(a).size).toBe(100);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(samplePoints(items, 100, 3)).toEqual(a);
    expect(samplePoints(items, 100, 4)).not.toEqual(a);
    expect(samplePoints(items, 2000)).toEqual(items);
  });

  it("splits lengths into quartile groups", () => {
    expect(lengthGroups([1, 2, 3, 4, 5, 6, 7, 8])).toEqual([3, 5, 7]);
  });

  it("renders SVG with the rank buckets and a note when points are sampled", async () => {
    const histogram = await rankHistogramSvg([1, 1, 1.5, 3, 12, 700], "ranks");
    expect(histogram.startsWith("<svg")).toBe(true);
    expect(histogram.trim().endsWith("</svg>")).toBe(true);
    for (const bucket of [">1<", ">2-4<", ">10-19<", ">500-999<"]) expect(histogram).toContain(bucket);
    const queries = Array.from({ length: 6000 }, (_, i) => ({ rank: 1 + (i % 50), lengthSec: 5 + (i % 20) }));
    expect(await rankVersusLengthSvg(queries, "scatter")).toContain("(5000 of 6000 queries drawn)");
  });
});

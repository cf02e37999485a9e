// The table layouts on a fixed result: columns, signed differences, and the notes that qualify them.
import { describe, expect, it } from "vitest";
import type { RetrievalMetrics } from "../../shared/metrics/ranks.ts";
import type { EvalResult } from "./run-eval.ts";
import { aggregationTable, comparisonTable, formatTableMarkdown, formatTableText } from "./tables.ts";

const metrics = (R1: number, MdR: number): RetrievalMetrics => ({
  R1,
  R5: 50,
  R10: 60,
  MdR,
  MnR: 20.25,
  StdR: 30,
});

function result(overrides: Partial<EvalResult> = {}): EvalResult {
  return {
    dataset: "msrvtt-1ka",
    model: { id: "openai/clip-vit-base-patch32", dimension: 512, dir: "/m" },
    sampling: "all",
    decoder: "native",
    counts: { splitVideos: 1000, splitCaptions: 1000, missing: 0, failed: 0, videos: 1000, captions: 1000 },
    comparableWithPaper: true,
    missing: [],
    failed: [],
    frames: { embeddedVideos: 0, cachedVideos: 1000, embeddedFrames: 0, cacheDir: "/c" },
    captionsCached: false,
    aggregations: [
      {
        aggregation: "mean",
        vectorsPerVideo: 1,
        shortVideos: 0,
        tvr: metrics(30.8, 4),
        vtr_paper: metrics(27.5, 5.5),
        vtr_ce: metrics(26, 6),
      },
      {
        aggregation: "frame:29",
        vectorsPerVideo: 1,
        shortVideos: 3,
        tvr: metrics(25, 6),
        vtr_paper: metrics(20, 8),
        vtr_ce: metrics(19, 9),
      },
    ],
    primary: {
      aggregation: "mean",
      videoIds: [],
      durationsSec: [],
      frameCounts: [],
      captionVideos: [],
      ranks: { tvr: [], vtr_paper: [], vtr_ce: [] },
    },
    seconds: { frames: 0, aggregate: 0, captions: 0, rank: 0, total: 0 },
    ...overrides,
  };
}

describe("tables", () => {
  it("lays out Table 1: one row per aggregation with TVR R@1 R@5 R@10 MdR MnR StdR", () => {
    const text = formatTableText(aggregationTable(result()));
    const lines = text.split("\n");
    expect(lines[1].trim().split(/\s+/)).toEqual(["R@1", "R@5", "R@10", "MdR", "MnR", "StdR"]);
    expect(lines[2].trim().split(/\s+/)).toEqual(["mean", "30.8", "50.0", "60.0", "4.0", "20.3", "30.0"]);
    expect(lines[3].split(/\s+/)[0]).toBe("frame:29");
    expect(text).toContain("frame:29: 3 videos have too few sampled frames (their last frame is used).");
  });

  it("lays out Tables 2-4 with the published numbers and signed differences, VTR under both protocols", () => {
    const markdown = formatTableMarkdown(comparisonTable(result()));
    expect(markdown).toContain("| TVR: ours | 30.8 | 50.0 | 60.0 | 4.0 |");
    expect(markdown).toContain("| TVR: paper | 31.2 | 53.7 | 64.2 | 4.0 |");
    expect(markdown).toContain("| TVR: ours - paper | -0.4 | -3.7 | -4.2 | +0.0 |");
    expect(markdown).toContain("| VTR (paper protocol): ours - paper | +0.3 | -1.7 | -2.6 | +0.5 |");
    expect(markdown).toContain("| VTR (CE protocol): ours | 26.0 | 50.0 | 60.0 | 6.0 |");
    expect(markdown).not.toContain("VTR (CE protocol): paper");
    expect(markdown).not.toContain("NOT COMPARABLE");
  });

  it("marks a result with left-out videos, or another aggregation than mean, as no reproduction check", () => {
    const partial = result({
      comparableWithPaper: false,
      counts: { splitVideos: 1000, splitCaptions: 1000, missing: 2, failed: 1, videos: 997, captions: 997 },
      primary: { ...result().primary, aggregation: "frame:29" },
    });
    const text = formatTableText(comparisonTable(partial));
    expect(text).toContain(
      "NOT COMPARABLE with the paper: 3 of the split's 1000 videos were left out (2 missing, 1 not decodable)",
    );
    expect(text).toContain("Aggregation here is frame:29, not mean");
    expect(text).toMatch(/^TVR: ours\s+25\.0/m);
    expect(formatTableText(aggregationTable(partial))).toContain("NOT COMPARABLE");
  });
});

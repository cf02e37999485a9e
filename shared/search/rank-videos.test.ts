// Table-driven tests of the shared row-scores -> ranked-videos reduction.
import { describe, expect, it } from "vitest";
import { type RankOptions, type RankRows, rankVideos } from "./rank-videos.ts";

/** A row: its video, whether it is a segment, and (for segments) its window. */
type Row = [video: number, segment: boolean, startSec?: number, endSec?: number];

function rowsOf(spec: Row[]): RankRows {
  return {
    video: Int32Array.from(spec, ([v]) => v),
    isSegment: Uint8Array.from(spec, ([, s]) => (s ? 1 : 0)),
    startSec: Float32Array.from(spec, ([, , start]) => start ?? 0),
    endSec: Float32Array.from(spec, ([, , , end]) => end ?? 0),
  };
}

interface Case {
  name: string;
  rows: Row[];
  scores: number[];
  videoCount: number;
  k: number;
  options?: RankOptions;
  /** Expected [video, score, moment row or null] per hit, in order. */
  expected: [number, number, number | null][];
}

const cases: Case[] = [
  {
    name: "scores a video by its best aggregation row, its moment by its best segment",
    rows: [
      [0, false],
      [0, false],
      [0, true, 0, 2],
      [0, true, 2, 4],
      [1, false],
      [1, true, 0, 3],
    ],
    scores: [0.1, 0.3, 0.9, 0.5, 0.2, 0.8],
    videoCount: 2,
    k: 10,
    expected: [
      [0, 0.3, 2],
      [1, 0.2, 5],
    ],
  },
  {
    name: "breaks ties by lower video index",
    rows: [
      [2, false],
      [0, false],
      [1, false],
    ],
    scores: [0.5, 0.5, 0.5],
    videoCount: 3,
    k: 2,
    expected: [
      [0, 0.5, null],
      [1, 0.5, null],
    ],
  },
  {
    name: "returns every scored video when k is larger, leaving out videos without rows",
    rows: [
      [0, false],
      [2, false],
    ],
    scores: [0.1, 0.4],
    videoCount: 4,
    k: 10,
    expected: [
      [2, 0.4, null],
      [0, 0.1, null],
    ],
  },
  {
    name: "falls back to segments per video: a segment-only video among aggregated ones",
    rows: [
      [0, false],
      [0, true, 0, 1],
      [1, true, 0, 1],
      [1, true, 1, 2],
    ],
    scores: [0.2, 0.95, 0.3, 0.6],
    videoCount: 2,
    k: 10,
    // Video 0's strong segment does not score it; video 1 has no aggregation rows, so its segments do.
    expected: [
      [1, 0.6, 3],
      [0, 0.2, 1],
    ],
  },
  {
    name: "scores by segments when the whole index has only segments",
    rows: [
      [0, true, 0, 1],
      [1, true, 0, 1],
      [0, true, 1, 2],
    ],
    scores: [0.1, 0.2, 0.7],
    videoCount: 2,
    k: 10,
    expected: [
      [0, 0.7, 2],
      [1, 0.2, 1],
    ],
  },
  {
    name: "leaves out videos the filter rejects, then takes k",
    rows: [
      [0, false],
      [1, false],
      [2, false],
    ],
    scores: [0.9, 0.8, 0.7],
    videoCount: 3,
    k: 1,
    options: { keep: (v) => v !== 0 },
    expected: [[1, 0.8, null]],
  },
  {
    name: "scores only the chosen aggregation rows, without falling back to segments",
    rows: [
      [0, false],
      [0, false],
      [1, false],
      [1, true, 0, 1],
    ],
    scores: [0.9, 0.1, 0.5, 0.99],
    videoCount: 2,
    k: 10,
    // Rows 0 and 2 are the excluded aggregation; video 1 keeps its aggregation row so it is not scored.
    options: { scoresVideo: (r) => r === 1 },
    expected: [[0, 0.1, null]],
  },
  {
    name: "takes the best over several queries (row-major [q, rows])",
    rows: [
      [0, false],
      [1, false],
      [1, true, 3, 5],
    ],
    scores: [0.1, 0.2, 0.3, 0.6, 0.05, 0.1],
    videoCount: 2,
    k: 10,
    expected: [
      [0, 0.6, null],
      [1, 0.2, 2],
    ],
  },
  {
    name: "returns nothing for an empty index",
    rows: [],
    scores: [],
    videoCount: 3,
    k: 5,
    expected: [],
  },
];

describe("rankVideos", () => {
  it.each(cases)("$name", ({ rows, scores, videoCount, k, options, expected }) => {
    const hits = rankVideos(Float32Array.from(scores), rowsOf(rows), videoCount, k, options);
    expect(hits.map((h) => [h.video, h.score, h.moment?.row ?? null])).toEqual(
      expected.map(([v, s, m]) => [v, Math.fround(s), m]),
    );
  });

  it("reports the moment's window and score", () => {
    const rows = rowsOf([
      [0, false],
      [0, true, 1.5, 3],
      [0, true, 3, 4.5],
    ]);
    const [hit] = rankVideos(Float32Array.of(0.2, 0.4, 0.3), rows, 1, 1);
    expect(hit.moment).toEqual({ row: 1, startSec: 1.5, endSec: 3, score: Math.fround(0.4) });
  });

  it("names the row that scored the video: its best aggregation row, else its best segment", () => {
    const rows = rowsOf([
      [0, false],
      [0, false],
      [0, true, 0, 2],
      [1, true, 0, 2],
      [1, true, 2, 4],
    ]);
    const hits = rankVideos(Float32Array.of(0.1, 0.5, 0.9, 0.3, 0.4), rows, 2, 2);
    expect(hits.map((h) => [h.video, h.row, h.moment?.row])).toEqual([
      [0, 1, 2],
      [1, 4, 4],
    ]);
  });

  it("returns nothing for k = 0", () => {
    expect(rankVideos(Float32Array.of(0.5), rowsOf([[0, false]]), 1, 0)).toEqual([]);
  });

  it.each([
    [
      "scores that are not whole queries",
      Float32Array.of(0.1, 0.2, 0.3),
      rowsOf([
        [0, false],
        [0, false],
      ]),
      1,
      1,
    ],
    ["a row naming a missing video", Float32Array.of(0.1), rowsOf([[3, false]]), 2, 1],
    ["a negative k", Float32Array.of(0.1), rowsOf([[0, false]]), 1, -1],
    ["a fractional k", Float32Array.of(0.1), rowsOf([[0, false]]), 1, 1.5],
  ])("throws RangeError on %s", (_name, scores, rows, videoCount, k) => {
    expect(() => rankVideos(scores, rows, videoCount, k)).toThrow(RangeError);
  });
});
